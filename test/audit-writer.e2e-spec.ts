import { AUDIT_WRITE_FAILURES, AuditStore, AuditTrailService, AuditWriter } from '@techsapo/audit';
import { register } from 'prom-client';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { startTestApp } from './support/test-app';

function captureStderr(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

describe('audit writer', () => {
  it('leaves /metrics, /health and /docs out of the trail, and records everything else once', async () => {
    const t = await startTestApp();
    try {
      await request(t.server).get('/metrics');
      await request(t.server).get('/health/live');
      await request(t.server).get('/health/ready');
      await request(t.server).get('/docs-json');
      await request(t.server).get('/api/v1/recorded');
      const entries = await auditEntries(t, 1);
      expect(entries.map((e) => e.request.path)).toEqual(['/api/v1/recorded']);
    } finally {
      await t.close();
    }
  });

  it('keeps a Date among the details as its ISO time, and the chain still verifies', async () => {
    const t = await startTestApp();
    try {
      const at = new Date(Date.UTC(2026, 11, 5, 21, 30));
      t.app.get(AuditWriter).record({
        id: 'dated-entry',
        timestamp: at.toISOString(),
        type: 'security',
        actor: {},
        request: { id: '-', method: 'GET', path: '-', ip: '-', userAgent: '-' },
        outcome: { status: 0, decision: 'allowed', reason: 'dated' },
        details: { expiresAt: at, window: { from: at } },
      });
      const entries = await auditEntries(t, 1);
      expect(entries.find((e) => e.id === 'dated-entry')?.details).toEqual({
        expiresAt: '2026-12-05T21:30:00.000Z',
        window: { from: '2026-12-05T21:30:00.000Z' },
      });
      expect(await t.app.get(AuditTrailService).verify()).toMatchObject({ ok: true });
    } finally {
      await t.close();
    }
  });

  it('never loses an entry silently: a write Redis refuses goes to stderr and is counted', async () => {
    const t = await startTestApp({ AUDIT_WRITE_RETRY_MS: '0', AUDIT_FLUSH_INTERVAL_MS: '10000' });
    const store = t.app.get(AuditStore);
    // The chain head holding the wrong type makes every append fail inside Redis.
    await t.redis.client.set(store.headKey, 'not a hash');
    const stderr = captureStderr();
    try {
      await request(t.server).get('/api/v1/lost?token=tsk_abcdefghijklmnopqrstuvwx');
      await waitFor(() => t.app.get(AuditWriter).pending > 0);
      await t.app.get(AuditWriter).flush();
    } finally {
      stderr.restore();
      await t.redis.client.del(store.headKey);
    }
    try {
      const line = JSON.parse(
        stderr.lines.find((l) => l.includes('audit entry not written')) ?? '{}',
      );
      expect(line).toMatchObject({
        level: 'error',
        reason: 'write failed',
        auditEntry: { request: { path: '/api/v1/lost', ip: '127.0.0.***' } },
      });
      expect(JSON.stringify(line)).not.toContain('tsk_abcdefghijklmnopqrstuvwx');
      const metric = await register.getSingleMetric(AUDIT_WRITE_FAILURES)?.get();
      expect(metric?.values).toEqual([
        expect.objectContaining({ value: 1, labels: { reason: 'write failed' } }),
      ]);
      expect(t.app.get(AuditWriter).pending).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('writes what is still queued when the application shuts down', async () => {
    const writer = await startTestApp({
      AUDIT_FLUSH_INTERVAL_MS: '10000',
      AUDIT_BATCH_SIZE: '100',
    });
    const reader = await startTestApp({ REDIS_KEY_PREFIX: writer.prefix });
    try {
      for (let i = 0; i < 3; i += 1) await request(writer.server).get(`/api/v1/late/${i}`);
      expect(await reader.app.get(AuditStore).length()).toBe(0);
      await writer.app.close();
      const entries = await auditEntries(reader, 3);
      expect(entries.map((e) => e.request.path)).toEqual([
        '/api/v1/late/0',
        '/api/v1/late/1',
        '/api/v1/late/2',
      ]);
    } finally {
      const store = reader.app.get(AuditStore);
      await reader.redis.client.del(store.streamKey, store.headKey);
      await reader.close();
    }
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 10));
}
