import { AuditCheckpointer, AuditStore, SecurityEventService } from '@techsapo/audit';
import { ContentDetector } from '@techsapo/detector';
import { AttemptReporter } from '@techsapo/security';
import { join } from 'node:path';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth } from './support/auth';
import { ROOT, startService } from './support/processes';
import { startTestApp, TestApp } from './support/test-app';

const REPORT = join(ROOT, 'dist', 'apps', 'api', 'src', 'cli', 'security-report.js');

/** Runs the built CLI (dist/) as `npm run security:report` does. */
async function report(
  prefix: string,
  ...args: string[]
): Promise<{ code: number | null; out: string }> {
  const run = startService({ REDIS_KEY_PREFIX: prefix, NODE_ENV: 'test' }, [REPORT, ...args]);
  const code = await run.exited;
  return { code, out: run.output() };
}

describe('npm run security:report', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('summarises a populated audit stream: events by type and severity, refusals, addresses, self-modification', async () => {
    const events = t.app.get(SecurityEventService);
    // A model's answer that tries to change the service, reported as the engine reports it.
    const answer = 'Then clear require.cache and reload; echo token=abc123secret';
    const raised = t.app
      .get(AttemptReporter)
      .report(t.app.get(ContentDetector).scan(answer, 'llm-answer').findings, {
        channel: 'llm-answer',
        eventType: 'SUSPICIOUS_LLM_ANSWER',
        payload: answer,
        principalId: 'usr_7',
        ip: '198.51.100.23',
        userAgent: 'python-requests/2.31',
        details: { analysisId: 'an-1', provider: 'peer-b' },
      });
    expect(raised).toBe(1);
    for (let i = 0; i < 3; i += 1) {
      events.report({
        eventType: 'SUSPICIOUS_ACTIVITY',
        severity: 'HIGH',
        violationType: 'SQL_INJECTION_ATTEMPT',
        blocked: true,
        source: 'request',
        payload: "' OR 1=1 --",
        ip: '203.0.113.9',
      });
    }
    events.report({
      eventType: 'RATE_LIMIT_EXCEEDED',
      severity: 'MEDIUM',
      violationType: 'RATE_LIMIT',
      blocked: false,
      source: 'request',
      ip: '2001:db8:abcd:12::1',
    });
    await request(t.server).get('/api/v1/unknown');
    const block = await request(t.server)
      .post('/api/v1/admin/blocks')
      .set(await adminAuth(t))
      .send({ kind: 'ip', value: '192.0.2.10', reason: 'scanner', ttlSeconds: 600 });
    expect(block.status).toBe(201);
    const failed = await request(t.server)
      .post('/api/v1/auth/login')
      .send({ username: 'mallory', password: 'guess-1' });
    expect(failed.status).toBe(401);
    await auditEntries(t, 10);

    const { code, out } = await report(t.prefix, '--since', '24h');
    expect(code).toBe(0);
    expect(out).toContain('# TechSapo security report');
    expect(out).toContain('Audit chain: **intact** (10 entries checked)');
    expect(out).toMatch(/\| audit entries \| 10 \|/);
    expect(out).toMatch(/\| failed logins \| 1 \|/);
    expect(out).toMatch(
      /Blocks created by administrators:\n\n\| time \| by \| from \|\n.*\n\| \S+ \| admin \| 127\.0\.0\.\*\*\* \|/,
    );
    expect(out).toMatch(/\| 127\.0\.0\.\*\*\* \| 1 \|/);
    expect(out).toMatch(/\| security events \| 6 \|/);
    expect(out).toMatch(/\| AUTHENTICATION_FAILURE \/ INVALID_CREDENTIALS \| 1 \|/);
    expect(out).toMatch(/\| self-modification attempts \| 1 \|/);
    expect(out).toMatch(/\| attempts on the service \(all types\) \| 1 \|/);
    expect(out).toMatch(/\| self-modification \| llm-answer \| yes \| 1 \|/);
    expect(out).toMatch(/\| SUSPICIOUS_ACTIVITY \/ SQL_INJECTION_ATTEMPT \| 3 \|/);
    expect(out).toMatch(/\| SUSPICIOUS_LLM_ANSWER \| 1 \| 0 \| 0 \| 0 \|/);
    expect(out).toMatch(/\| security event blocked: SQL_INJECTION_ATTEMPT \| 3 \|/);
    expect(out).toMatch(/\| 203\.0\.113\.\*\*\* \| 3 \|/);
    expect(out).toContain('2001:db8:abcd::***');
    expect(out).toMatch(/\| usr_7 \| 1 \|/);
    expect(out).toMatch(
      /SELF_MODIFICATION \| llm-answer \| yes \| analysisId an-1, provider peer-b \| 198\.51\.100\.\*\*\*/,
    );
    // Masked and sanitised throughout.
    expect(out).not.toMatch(
      /198\.51\.100\.23|203\.0\.113\.9\b|abc123secret|2\.31|guess-1|192\.0\.2\.10/,
    );
  });

  it('reports an empty stream without failing', async () => {
    const { code, out } = await report(`${t.prefix}empty`, '--since', '7d');
    expect(code).toBe(0);
    expect(out).toContain('_No audit entries in this period._');
    expect(out).toMatch(/\| self-modification attempts \| 0 \|/);
    expect(out).toMatch(/## Attempts by type and source\n\n.*\n\n_None\._/);
  });

  it('reports a chain wiped after a checkpoint, with the first missing seq', async () => {
    await auditEntries(t, 10);
    const checkpoint = await t.app.get(AuditCheckpointer).checkpoint();
    expect(checkpoint?.seq).toBeGreaterThanOrEqual(10);
    const store = t.app.get(AuditStore);
    await t.redis.client.del(store.streamKey);
    await t.redis.client.del(store.headKey);
    const { code, out } = await report(t.prefix, '--since', '24h');
    expect(code).toBe(0);
    expect(out).toContain('Audit chain: **TRUNCATED: entries from seq 1 are missing**');
    expect(out).toContain(`The latest checkpoint outside Redis saw seq ${checkpoint?.seq}`);
  });

  it('refuses a bad --since with a clear message', async () => {
    const { code, out } = await report(t.prefix, '--since', 'yesterday-ish');
    expect(code).toBe(1);
    expect(out).toContain('not a duration');
  });
});
