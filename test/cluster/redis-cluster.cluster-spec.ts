import Bull from 'bull';
import type { Cluster } from 'ioredis';
import request from 'supertest';
import { adminAuth } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Runs only under `npm run test:cluster` (REDIS_CLUSTER_NODES from scripts/redis-cluster.sh):
 * the core Redis layer on a real Redis Cluster (3 masters, 3 replicas).
 */
describe('Redis Cluster', () => {
  let t: TestApp;
  beforeAll(async () => {
    if (!process.env.REDIS_CLUSTER_NODES) {
      throw new Error('REDIS_CLUSTER_NODES is unset: run with `npm run test:cluster`');
    }
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is what the application connects to, and readiness checks every master', async () => {
    expect(t.redis.isCluster).toBe(true);
    expect(t.redis.dataNodes()).toHaveLength(3);
    // The checks are shown to admins; an anonymous caller learns only ready or not.
    const res = await request(t.server)
      .get('/health/ready')
      .set(await adminAuth(t));
    expect(res.status).toBe(200);
    expect(res.body.checks.redis).toMatchObject({
      status: 'up',
      mode: 'cluster',
      state: 'ok',
      masters: 3,
      mastersUp: 3,
    });
  });

  it('spreads keys over every master; scan and delete see them all', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => t.redis.key('spread', i));
    await Promise.all(keys.map((k) => t.redis.client.set(k, '1', 'EX', 60)));
    const perNode = await Promise.all(
      t.redis.dataNodes().map((n) => n.keys(t.redis.key('spread', '*'))),
    );
    expect(perNode.every((found) => found.length > 0)).toBe(true);
    const seen: string[] = [];
    for await (const batch of t.redis.scan(t.redis.key('spread', '*'))) seen.push(...batch);
    expect(seen.sort()).toEqual([...keys].sort());
    expect(await t.redis.deleteMatching(t.redis.key('spread', '*'))).toBe(60);
    expect(await t.redis.client.exists(...keys.slice(0, 1))).toBe(0);
  });

  it('runs MULTI and Lua over keys that share a hash tag, and refuses them across slots', async () => {
    const tag = t.redis.hashTag('user-42');
    const a = t.redis.key('session', tag, 'a');
    const b = t.redis.key('session', tag, 'index');
    const results = await t.redis.client.multi().set(a, '1').sadd(b, 'a').exec();
    expect(results?.map(([error]) => error)).toEqual([null, null]);
    const moved = await t.redis.client.eval(
      "redis.call('SREM', KEYS[2], ARGV[1]); return redis.call('DEL', KEYS[1])",
      2,
      a,
      b,
      'a',
    );
    expect(moved).toBe(1);

    // Untagged keys land in different slots: the cluster refuses the multi-key command, which
    // is why every multi-key operation in libs/ must use hashTag().
    const c = t.redis.key('x', 'first');
    const d = t.redis.key('x', 'second-slot');
    await expect(
      t.redis.client.eval("return redis.call('MGET', KEYS[1], KEYS[2])", 2, c, d),
    ).rejects.toThrow(/CROSSSLOT/);
  });

  it('leaves no slots-refresh timer behind when quit during a refresh', async () => {
    const cluster = t.redis.createConnection('test-slots-refresh') as Cluster;
    if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
    const internals = cluster as unknown as {
      slotsTimer: NodeJS.Timeout | null;
      resetNodesRefreshInterval(): void;
    };
    // As ioredis's periodic refresh does, the refresh's callback arms the next round.
    const refreshed = new Promise<void>((resolve) =>
      cluster.refreshSlotsCache(() => {
        internals.resetNodesRefreshInterval();
        resolve();
      }),
    );
    await cluster.quit();
    await refreshed;
    expect(internals.slotsTimer).toBeNull();
  });

  it('delivers pub/sub messages between connections', async () => {
    const subscriber = t.redis.createConnection('test-subscriber');
    const channel = t.redis.key('events', 'progress');
    const received = new Promise<string>((resolve) =>
      subscriber.on('message', (_channel: string, message: string) => resolve(message)),
    );
    await subscriber.subscribe(channel);
    await t.redis.client.publish(channel, 'step-1');
    expect(await received).toBe('step-1');
    subscriber.disconnect();
  });

  it('runs a Bull queue whose prefix carries a hash tag', async () => {
    const connections: Cluster[] = [];
    const queue = new Bull<{ n: number }>('cluster-probe', {
      prefix: t.redis.queuePrefix('cluster-probe'),
      createClient: (type) => {
        const connection = t.redis.createBullConnection(type) as Cluster;
        connections.push(connection);
        return connection;
      },
    });
    try {
      const done = new Promise<number>((resolve) =>
        queue.on('completed', (_job, result: number) => resolve(result)),
      );
      void queue.process(async (job) => job.data.n * 2);
      await queue.add({ n: 21 }, { removeOnComplete: 100, removeOnFail: 50 });
      expect(await done).toBe(42);
      expect(await queue.getCompletedCount()).toBe(1);
    } finally {
      await queue.close();
      connections.forEach((c) => c.disconnect());
    }
  });
});
