import {
  AuditStore,
  AuditTrailService,
  RetentionJob,
  RetentionRegistry,
  SecurityEventService,
} from '@techsapo/audit';
import request from 'supertest';
import { auditEntries, rewriteStream } from './support/audit';
import { startTestApp, TestApp } from './support/test-app';

const DAY_MS = 86_400_000;

async function calls(t: TestApp, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await request(t.server).get(`/api/v1/nothing-here/${i}`);
}

describe('audit chain', () => {
  let t: TestApp;
  let trail: AuditTrailService;
  beforeEach(async () => {
    t = await startTestApp();
    trail = t.app.get(AuditTrailService);
  });
  afterEach(() => t.close());

  it('seals every entry into one gapless chain that verifies', async () => {
    await calls(t, 5);
    const entries = await auditEntries(t, 5);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0].prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < entries.length; i += 1)
      expect(entries[i].prevHash).toBe(entries[i - 1].hash);
    expect(await trail.verify()).toEqual({ ok: true, checked: 5 });
  });

  it('names the deleted seq when an entry is removed from Redis', async () => {
    await calls(t, 6);
    await auditEntries(t, 6);
    const store = t.app.get(AuditStore);
    const [third] = (await store.range('-', '+', 6)).filter((s) => s.entry.seq === 3);
    await t.redis.client.xdel(store.streamKey, third.streamId);
    expect(await trail.verify()).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('names the altered seq when an entry is changed, even with its hash recomputed without the key', async () => {
    await calls(t, 6);
    await auditEntries(t, 6);
    await rewriteStream(t, (rows) =>
      rows.map((row) => {
        const entry = JSON.parse(row.value);
        if (entry.seq !== 4) return row;
        entry.outcome.status = 200;
        entry.outcome.decision = 'allowed';
        return { id: row.id, value: JSON.stringify(entry) };
      }),
    );
    expect(await trail.verify()).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('names the first out-of-place seq when entries are reordered', async () => {
    await calls(t, 6);
    await auditEntries(t, 6);
    await rewriteStream(t, (rows) => {
      const values = rows.map((r) => r.value);
      [values[1], values[2]] = [values[2], values[1]];
      return rows.map((r, i) => ({ id: r.id, value: values[i] }));
    });
    expect(await trail.verify()).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('notices entries removed from the end, and from the start when nothing anchors it', async () => {
    await calls(t, 4);
    await auditEntries(t, 4);
    const store = t.app.get(AuditStore);
    const all = await store.range('-', '+', 10);
    await t.redis.client.xdel(store.streamKey, all[3].streamId);
    expect(await trail.verify()).toMatchObject({ ok: false, firstBrokenSeq: 4 });
    await t.redis.client.xdel(store.streamKey, all[0].streamId);
    expect(await trail.verify()).toMatchObject({ ok: false, firstBrokenSeq: 1 });
  });

  it('records security events as type security entries, masked and sanitised', async () => {
    t.app.get(SecurityEventService).report({
      eventType: 'SUSPICIOUS_ACTIVITY',
      severity: 'HIGH',
      violationType: 'SQL_INJECTION_ATTEMPT',
      blocked: true,
      source: 'request',
      payload: "1' OR 1=1 -- password=hunter2 Bearer abcdefghijklmnop",
      sessionId: 'sess_9',
      principalId: 'usr_9',
      requestId: 'req-9',
      ip: '203.0.113.77',
      userAgent: 'curl/8.4.0',
    });
    const [entry] = await auditEntries(t, 1);
    expect(entry).toMatchObject({
      seq: 1,
      type: 'security',
      actor: { id: 'usr_9', sessionId: 'sess_9' },
      request: { id: 'req-9', ip: '203.0.113.***', userAgent: 'curl/***' },
      outcome: { decision: 'denied', reason: 'SQL_INJECTION_ATTEMPT' },
      details: { event_type: 'SUSPICIOUS_ACTIVITY', severity: 'HIGH', blocked: true },
    });
    expect(JSON.stringify(entry)).not.toMatch(/203\.0\.113\.77|abcdefghijklmnop|hunter2|8\.4\.0/);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 1 });
  });

  it('removes what retention expired, anchors the chain there, and still verifies (and notices a removed oldest entry)', async () => {
    await calls(t, 3);
    await auditEntries(t, 3);
    const firstWriteEnded = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    await calls(t, 3);
    await auditEntries(t, 6);
    const purged: Date[] = [];
    t.app.get(RetentionRegistry).register('test-data', async (cutoff) => {
      purged.push(cutoff);
      return 7;
    });
    const job = t.app.get(RetentionJob);
    const run = await job.run(new Date(firstWriteEnded + 30 * DAY_MS + 1));
    expect(run).toMatchObject({ ran: true, removed: { audit: 3, 'test-data': 7 }, failed: [] });
    expect(purged[0].getTime()).toBe(firstWriteEnded + 1);
    const kept = await auditEntries(t, 3);
    expect(kept.map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(await trail.verify()).toEqual({ ok: true, checked: 3, anchoredAt: 3 });
    // New entries continue the chain after the trimmed ones.
    await calls(t, 1);
    await auditEntries(t, 4);
    expect(await trail.verify()).toEqual({ ok: true, checked: 4, anchoredAt: 3 });
    // Deleting the oldest kept entry is still tampering.
    const store = t.app.get(AuditStore);
    const [oldest] = await store.range('-', '+', 1);
    await t.redis.client.xdel(store.streamKey, oldest.streamId);
    expect(await trail.verify()).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('runs retention on one instance at a time', async () => {
    const job = t.app.get(RetentionJob);
    await t.redis.client.set(t.redis.key('retention', 'lock'), 'another-instance', 'PX', 60_000);
    expect(await job.run()).toMatchObject({ ran: false });
    await t.redis.client.del(t.redis.key('retention', 'lock'));
    expect(await job.run()).toMatchObject({ ran: true, removed: { audit: 0 } });
  });
});

describe('audit chain with several instances', () => {
  it('stays one verifiable chain when two instances write at once', async () => {
    const a = await startTestApp({ AUDIT_BATCH_SIZE: '3', AUDIT_FLUSH_INTERVAL_MS: '10' });
    const b = await startTestApp({
      REDIS_KEY_PREFIX: a.prefix,
      AUDIT_BATCH_SIZE: '3',
      AUDIT_FLUSH_INTERVAL_MS: '10',
    });
    try {
      const requests: Promise<unknown>[] = [];
      for (let i = 0; i < 60; i += 1) {
        const target = i % 2 === 0 ? a : b;
        requests.push(request(target.server).get(`/api/v1/concurrent/${i}`).then());
      }
      await Promise.all(requests);
      const entries = await auditEntries(a, 60, [a, b]);
      expect(entries).toHaveLength(60);
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      const paths = new Set(entries.map((e) => e.request.path));
      expect(paths.size).toBe(60);
      expect(await a.app.get(AuditTrailService).verify()).toEqual({ ok: true, checked: 60 });
      expect(await b.app.get(AuditTrailService).verify()).toEqual({ ok: true, checked: 60 });
    } finally {
      await b.close();
      await a.close();
    }
  });
});
