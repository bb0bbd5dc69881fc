import { Counter, Registry } from 'prom-client';
import { sanitisePayload, SecurityEventService } from './security-event.service';

describe('SecurityEventService', () => {
  it('writes the seed format with masked client data and a sanitised payload, counts it under lower-case labels, and notifies listeners', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'v',
      help: 'v',
      labelNames: ['type', 'severity'],
      registers: [registry],
    });
    const service = new SecurityEventService(counter);
    const heard: string[] = [];
    service.onEvent((line) => heard.push(line.event_type));
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      service.report({
        eventType: 'SUSPICIOUS_ACTIVITY',
        severity: 'HIGH',
        violationType: 'SQL_INJECTION_ATTEMPT',
        blocked: true,
        source: 'request',
        payload: "1' UNION SELECT password FROM users -- <script>",
        sessionId: 'sess_1',
        ip: '192.168.1.44',
        userAgent: 'Mozilla/5.0 (X11)',
      });
    } finally {
      spy.mockRestore();
    }
    const line = JSON.parse(written[0]);
    expect(line).toMatchObject({
      level: 'SECURITY',
      event_type: 'SUSPICIOUS_ACTIVITY',
      severity: 'HIGH',
      session_id: 'sess_1',
      ip_address: '192.168.1.***',
      user_agent: 'Mozilla/***',
      details: { violation_type: 'SQL_INJECTION_ATTEMPT', blocked: true, source: 'request' },
    });
    expect(line.details.payload).not.toContain('<script>');
    expect(heard).toEqual(['SUSPICIOUS_ACTIVITY']);
    expect((await registry.getSingleMetric('v')?.get())?.values[0]).toMatchObject({
      value: 1,
      labels: { type: 'sql_injection_attempt', severity: 'high' },
    });
  });

  it('never stores secrets or long payloads', () => {
    expect(sanitisePayload(`token tsk_${'a'.repeat(40)}`)).not.toContain('tsk_aaaa');
    expect(sanitisePayload('x'.repeat(1000)).length).toBeLessThan(140);
    expect(sanitisePayload(undefined)).toBe('***SANITIZED***');
  });
});
