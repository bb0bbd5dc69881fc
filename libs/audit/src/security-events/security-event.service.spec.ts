import { Counter, Registry } from 'prom-client';
import { sanitisePayload, SecurityEventService } from './security-event.service';

/** The service with its two counters in a registry of their own, and what it writes. */
function serviceUnderTest() {
  const registry = new Registry();
  const violations = new Counter({
    name: 'v',
    help: 'v',
    labelNames: ['type', 'severity'],
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'a',
    help: 'a',
    labelNames: ['source', 'type', 'blocked'],
    registers: [registry],
  });
  const service = new SecurityEventService(violations, attempts);
  const written: string[] = [];
  const capture = <T>(work: () => T): T => {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      return work();
    } finally {
      spy.mockRestore();
    }
  };
  const values = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values;
  return { service, written, capture, values };
}

describe('SecurityEventService', () => {
  it('writes the seed format with masked client data and a sanitised payload, counts it under lower-case labels, and notifies listeners', async () => {
    const { service, written, capture, values } = serviceUnderTest();
    const heard: string[] = [];
    service.onEvent((line) => heard.push(line.event_type));
    capture(() =>
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
      }),
    );
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
    expect(line.details).not.toHaveProperty('attempt_type');
    expect(heard).toEqual(['SUSPICIOUS_ACTIVITY']);
    expect((await values('v'))?.[0]).toMatchObject({
      value: 1,
      labels: { type: 'sql_injection_attempt', severity: 'high' },
    });
    // Not a detector attempt: the attempt counter has no series.
    expect(await values('a')).toEqual([]);
  });

  it('counts an attempt event in the attempt counter with its own source and blocked values', async () => {
    const { service, written, capture, values } = serviceUnderTest();
    const report = (blocked: boolean) =>
      service.report({
        eventType: 'SUSPICIOUS_LLM_ANSWER',
        severity: 'CRITICAL',
        violationType: 'SELF_MODIFICATION',
        attemptType: 'self-modification',
        blocked,
        source: 'llm-answer',
        payload: 'fs.writeFileSync(__filename, x)',
      });
    capture(() => [report(true), report(true), report(false)]);
    expect(JSON.parse(written[0]).details).toMatchObject({
      attempt_type: 'self-modification',
      source: 'llm-answer',
      blocked: true,
    });
    expect(await values('a')).toEqual([
      expect.objectContaining({
        value: 2,
        labels: { source: 'llm-answer', type: 'self-modification', blocked: 'true' },
      }),
      expect.objectContaining({
        value: 1,
        labels: { source: 'llm-answer', type: 'self-modification', blocked: 'false' },
      }),
    ]);
    expect((await values('v'))?.[0]).toMatchObject({
      value: 3,
      labels: { type: 'self_modification', severity: 'critical' },
    });
  });

  it('never stores secrets or long payloads', () => {
    expect(sanitisePayload(`token tsk_${'a'.repeat(40)}`)).not.toContain('tsk_aaaa');
    expect(sanitisePayload('x'.repeat(1000)).length).toBeLessThan(140);
    expect(sanitisePayload(undefined)).toBe('***SANITIZED***');
  });
});
