import { AuditCheckpointer, AuditStore, AuditTrailService, CheckpointFile } from '@techsapo/audit';
import { redisConfig, RedisService, SECURITY_LEVEL } from '@techsapo/core';
import { PinoLogger } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth } from './support/auth';
import { startTestApp, TestApp } from './support/test-app';

async function calls(t: TestApp, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await request(t.server).get(`/api/v1/nothing-here/${i}`);
}

/** What an attacker with Redis access (or a Redis restarted empty) leaves of the trail. */
async function wipe(t: TestApp): Promise<void> {
  const store = t.app.get(AuditStore);
  await t.redis.client.del(store.streamKey);
  await t.redis.client.del(store.headKey);
  await t.redis.client.del(store.anchorKey);
}

describe('audit checkpoints outside Redis', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'techsapo-checkpoints-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('writes a signed checkpoint of the head to DATA_DIR and the security log, once per head', async () => {
    const t = await startTestApp({ DATA_DIR: dataDir });
    try {
      await calls(t, 3);
      const entries = await auditEntries(t, 3);
      // The security log is the app's logger: its SECURITY records (silent in tests, so watched).
      const root = PinoLogger.root as unknown as Record<typeof SECURITY_LEVEL, () => void>;
      const logged = jest.spyOn(root, SECURITY_LEVEL);
      let checkpoint;
      let records: Record<string, unknown>[];
      try {
        checkpoint = await t.app.get(AuditCheckpointer).checkpoint();
        expect(await t.app.get(AuditCheckpointer).checkpoint()).toBeUndefined();
      } finally {
        records = logged.mock.calls.map((c) => (c as unknown[])[0] as Record<string, unknown>);
        logged.mockRestore();
      }
      const head = entries[entries.length - 1];
      expect(checkpoint).toMatchObject({ seq: head.seq, hash: head.hash });
      expect(records.filter((r) => r.event_type === 'AUDIT_CHECKPOINT')).toEqual([
        expect.objectContaining({
          details: expect.objectContaining({ seq: head.seq, hash: head.hash }),
        }),
      ]);
      const file = await readFile(t.app.get(CheckpointFile).path, 'utf8');
      expect(
        file
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).seq),
      ).toEqual([head.seq]);
    } finally {
      await t.close();
    }
  });

  it('reports a chain wiped and begun again with the first missing seq, in verify and the report', async () => {
    const t = await startTestApp({ DATA_DIR: dataDir });
    try {
      await calls(t, 8);
      await auditEntries(t, 8);
      const checkpoint = await t.app.get(AuditCheckpointer).checkpoint();
      await wipe(t);
      await calls(t, 2);
      const res = await request(t.server)
        .get('/api/v1/admin/audit/verify')
        .set(await adminAuth(t, true));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        ok: false,
        truncated: true,
        firstBrokenSeq: 1,
        checkpoint: { seq: checkpoint?.seq, authentic: true },
      });
    } finally {
      await t.close();
    }
  });

  it('reports entries cut from the end, head moved back with them, from their first seq', async () => {
    const t = await startTestApp({ DATA_DIR: dataDir });
    try {
      await calls(t, 10);
      const entries = await auditEntries(t, 10);
      await t.app.get(AuditCheckpointer).checkpoint();
      const store = t.app.get(AuditStore);
      const stored = await store.range('-', '+', 1000);
      const last = stored.filter((s) => s.entry.seq <= 6).pop()!;
      for (const cut of stored.filter((s) => s.entry.seq > 6))
        await t.redis.client.xdel(store.streamKey, cut.streamId);
      await t.redis.client.hset(store.headKey, 'seq', last.entry.seq, 'hash', last.entry.hash);
      // Nothing is written while verify runs from the library: the cut stays at the end.
      expect(await t.app.get(AuditTrailService).verify()).toMatchObject({
        ok: false,
        truncated: true,
        firstBrokenSeq: 7,
        checkpoint: { seq: entries.length },
      });
    } finally {
      await t.close();
    }
  });

  it('notices, after a restart on an emptied Redis, what the checkpoint of the last shutdown saw', async () => {
    const env = { DATA_DIR: dataDir, REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}` };
    const first = await startTestApp(env);
    await calls(first, 12);
    await auditEntries(first, 12);
    // The app stops (writing its shutdown checkpoint), then Redis comes back empty.
    await first.app.close();
    const redis = new RedisService(redisConfig.read({ ...process.env, ...env }));
    try {
      // A cluster client knows its masters once connected.
      await redis.ping();
      await redis.deleteMatching(`${env.REDIS_KEY_PREFIX}*`);
    } finally {
      await redis.onApplicationShutdown();
    }
    const second = await startTestApp(env);
    try {
      const res = await request(second.server)
        .get('/api/v1/admin/audit/verify')
        .set(await adminAuth(second));
      expect(res.body).toMatchObject({ ok: false, truncated: true, firstBrokenSeq: 1 });
      expect(res.body.checkpoint.seq).toBeGreaterThanOrEqual(12);
    } finally {
      await second.close();
    }
  });

  it('refuses a checkpoint whose signature does not match', async () => {
    const t = await startTestApp({ DATA_DIR: dataDir });
    try {
      await calls(t, 3);
      await auditEntries(t, 3);
      const checkpoint = await t.app.get(AuditCheckpointer).checkpoint();
      const path = t.app.get(CheckpointFile).path;
      await writeFile(path, `${JSON.stringify({ ...checkpoint, seq: 2 })}\n`);
      const res = await request(t.server)
        .get('/api/v1/admin/audit/verify')
        .set(await adminAuth(t));
      expect(res.body).toMatchObject({ ok: false, checkpoint: { seq: 2, authentic: false } });
    } finally {
      await t.close();
    }
  });
});
