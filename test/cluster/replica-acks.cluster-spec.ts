import { AuditStore, AuditWriter } from '@techsapo/audit';
import { REDIS_REPLICA_ACKS } from '@techsapo/core';
import { register } from 'prom-client';
import request from 'supertest';
import { auditEntries } from '../support/audit';
import { signIn, SignedIn } from '../support/auth';
import { ask, pairFor, pidOf, topology, until } from '../support/redis-cluster';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Runs only under `npm run test:cluster`. Acknowledged means replicated: with the replica of
 * the master concerned stopped (SIGSTOP: still connected, silent), an analysis is refused with
 * 503 and withdrawn rather than accepted, and an audit batch stays queued; once the replica
 * answers again both go through, each entry written once.
 */
describe('writes that must reach a replica', () => {
  let t: TestApp;
  let analyst: SignedIn;
  const stopped = new Set<number>();

  const pause = (port: number): void => {
    process.kill(pidOf(port), 'SIGSTOP');
    stopped.add(port);
  };
  const resume = (port: number): void => {
    process.kill(pidOf(port), 'SIGCONT');
    stopped.delete(port);
  };
  const acks = async (outcome: string): Promise<number> =>
    ((await register.getSingleMetric(REDIS_REPLICA_ACKS)?.get())?.values ?? [])
      .filter((v) => v.labels.outcome === outcome)
      .reduce((sum, v) => sum + v.value, 0);

  beforeAll(async () => {
    if (!process.env.REDIS_CLUSTER_DIR) {
      throw new Error('REDIS_CLUSTER_DIR is unset: run with `npm run test:cluster`');
    }
    // A replica stopped for longer than the node timeout would be failed by the cluster.
    t = await startTestApp({
      REDIS_REPLICA_ACK_TIMEOUT_MS: '300',
      AUDIT_FLUSH_INTERVAL_MS: '10000',
    });
    analyst = await signIn(t, 'analyst');
  });

  afterAll(async () => {
    for (const port of stopped) resume(port);
    await t?.close();
  });

  it('accepts an analysis only once a replica holds its job; else withdraws it with 503', async () => {
    const { replica } = await pairFor(`${t.prefix}:{wall-bounce-analysis}:id`);
    const analyse = (): request.Test =>
      request(t.server)
        .post('/api/v1/analyses')
        .set(analyst.auth)
        .send({ content: 'Is this analysis replicated?', cache: false });

    pause(replica.port);
    let refused: request.Response;
    try {
      refused = await analyse();
    } finally {
      resume(replica.port);
    }
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.body.type).toMatch(/storage-unavailable$/);
    expect(await acks('timeout')).toBeGreaterThan(0);

    // Withdrawn: not listed, its record a tombstone, so neither the client's retry nor a
    // worker runs it twice.
    const list = await request(t.server).get('/api/v1/analyses').set(analyst.auth).expect(200);
    expect(list.body.items).toEqual([]);
    const statuses: string[] = [];
    for await (const keys of t.redis.scan(`${t.prefix}:analysis:{*}`)) {
      for (const key of keys.filter((k) => k.endsWith('}'))) {
        statuses.push(String(await t.redis.client.hget(key, 'status')));
      }
    }
    expect(statuses).toEqual(['cancelled']);

    // With the replica answering again the same request is accepted and runs.
    const accepted = await analyse().expect(202);
    await until(
      'the accepted analysis completes',
      async () =>
        (await request(t.server).get(`/api/v1/analyses/${accepted.body.id}`).set(analyst.auth)).body
          .status === 'completed',
      30_000,
    );
    expect(await acks('acked')).toBeGreaterThan(0);
  });

  it('keeps an audit batch queued until a replica holds it, and writes it once', async () => {
    const store = t.app.get(AuditStore);
    const writer = t.app.get(AuditWriter);
    await writer.flush();
    const { replica } = await pairFor(store.streamKey);
    let requestId = '';
    pause(replica.port);
    try {
      const res = await request(t.server).get('/api/v1/audited');
      // The server's id of the request, as the audit trail keeps it.
      requestId = res.headers['x-request-id'] as string;
      await until('the entry is queued', async () => writer.pending > 0, 5000);
      await writer.flush();
      // Appended on the master, but not acknowledged: still queued, to be retried.
      expect(writer.pending).toBeGreaterThan(0);
    } finally {
      resume(replica.port);
    }
    await until(
      'the batch is acknowledged',
      async () => {
        await writer.flush();
        return writer.pending === 0;
      },
      10_000,
    );
    const entries = await auditEntries(t);
    expect(entries.filter((e) => e.request.id === requestId)).toHaveLength(1);
  });

  it('follows a failover it has not seen yet instead of refusing the acceptance', async () => {
    const queueKey = `${t.prefix}:{wall-bounce-analysis}:id`;
    const analyse = (): request.Test =>
      request(t.server)
        .post('/api/v1/analyses')
        .set(analyst.auth)
        .send({ content: 'Accepted across a failover?', cache: false });
    await analyse().expect(202);
    // A manual failover: the replica takes the queue's slots over, the old master follows it.
    const { replica } = await pairFor(queueKey);
    await ask((n) => n.cluster('FAILOVER'), [replica.port]);
    await until(
      'the replica is promoted',
      async () => (await topology()).some((n) => n.id === replica.id && n.master),
      10_000,
    );
    await analyse().expect(202);
  });
});
