import request from 'supertest';
import { AuditWriter } from '@techsapo/audit';
import { asBackgroundWork, problemType, RedisUnavailableError } from '@techsapo/core';
import { auditEntries } from './support/audit';
import { signIn } from './support/auth';
import { RedisRelay } from './support/redis-relay';
import { startTestApp, type TestApp } from './support/test-app';

const ME = '/api/v1/auth/me';
const QUEUE_LENGTH = 'techsapo_wall_bounce_queue_length';

// The relay stands in for one Redis node; a cluster client learns every node's real address from
// CLUSTER SLOTS and would bypass it, so this runs on the single-node suite only.
const describeSingleNode = process.env.REDIS_CLUSTER_NODES ? describe.skip : describe;

/** The samples of /metrics by series (name and labels as written), e.g. `x{a="b"}` → 1. */
async function scrape(t: TestApp): Promise<Map<string, number>> {
  const res = await request(t.server).get('/metrics');
  expect(res.status).toBe(200);
  return new Map(
    res.text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const cut = line.lastIndexOf(' ');
        return [line.slice(0, cut), Number(line.slice(cut + 1))];
      }),
  );
}

function expectStorageUnavailable(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.type).toBe(problemType('storage-unavailable'));
  expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
}

async function until(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50; i += 1) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the condition never held');
}

describeSingleNode('Redis connected but silent', () => {
  let relay: RedisRelay;
  let t: TestApp;

  beforeAll(async () => {
    relay = await RedisRelay.open();
    t = await startTestApp({ REDIS_URL: relay.url, REDIS_COMMAND_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    relay.resume();
    await t?.close();
    await relay.cut();
  });

  it('is not waited on: requests end at the command timeout, 503 storage-unavailable with Retry-After', async () => {
    const user = await signIn(t, 'analyst');
    expect((await request(t.server).get(ME).set(user.auth)).status).toBe(200);
    relay.silence();
    // The connection is up: nothing but the bound on each command ends the wait.
    expect(t.redis.connected).toBe(true);
    expectStorageUnavailable(await request(t.server).get(ME).set(user.auth));
    expectStorageUnavailable(
      await request(t.server)
        .post('/api/v1/auth/login')
        .send({ username: user.username, password: user.password }),
    );
    relay.resume();
    await until(async () => (await request(t.server).get(ME).set(user.auth)).status === 200);
  });

  it("is waited out by background work: a worker job's commands outlast the request bound", async () => {
    relay.silence();
    const job = asBackgroundWork(() => t.redis.client.ping());
    // The same command on a request's path gives up at REDIS_COMMAND_TIMEOUT_MS (300 ms here).
    await expect(t.redis.client.ping()).rejects.toBeInstanceOf(RedisUnavailableError);
    await new Promise((r) => setTimeout(r, 500));
    relay.resume();
    await expect(job).resolves.toBe('PONG');
  });
});

describeSingleNode('/metrics while Redis is silent or gone', () => {
  let relay: RedisRelay;
  let t: TestApp;

  beforeAll(async () => {
    relay = await RedisRelay.open();
    // The production bound: a gauge not read within it is left out.
    t = await startTestApp({ REDIS_URL: relay.url, METRICS_COLLECT_TIMEOUT_MS: '250' });
  });
  afterAll(async () => {
    relay.resume();
    await relay.listen();
    await t?.close();
    await relay.cut();
  });

  it('leaves out the gauges it could not read while Redis is silent, and marks them stale', async () => {
    const before = await scrape(t);
    expect(before.get(QUEUE_LENGTH)).toBe(0);
    expect(before.get(`techsapo_metric_stale{metric="${QUEUE_LENGTH}"}`)).toBe(0);
    relay.silence();
    const during = await scrape(t);
    expect(during.has(QUEUE_LENGTH)).toBe(false);
    expect(during.get(`techsapo_metric_stale{metric="${QUEUE_LENGTH}"}`)).toBe(1);
    relay.resume();
    await until(async () => (await scrape(t)).get(QUEUE_LENGTH) === 0);
    expect((await scrape(t)).get(`techsapo_metric_stale{metric="${QUEUE_LENGTH}"}`)).toBe(0);
  });

  it('leaves them out and marks them stale while Redis is gone, and recovers', async () => {
    expect((await scrape(t)).get(QUEUE_LENGTH)).toBe(0);
    await relay.cut();
    await until(async () => !t.redis.connected);
    const during = await scrape(t);
    expect(during.has(QUEUE_LENGTH)).toBe(false);
    expect(during.get(`techsapo_metric_stale{metric="${QUEUE_LENGTH}"}`)).toBe(1);
    // The rest of the exposition is there.
    expect(during.has('process_cpu_user_seconds_total')).toBe(true);
    await relay.listen();
    await until(async () => (await scrape(t)).get(QUEUE_LENGTH) === 0);
  });
});

describeSingleNode('an audit append whose answer is lost', () => {
  let relay: RedisRelay;
  let t: TestApp;

  beforeAll(async () => {
    relay = await RedisRelay.open();
    t = await startTestApp({
      REDIS_URL: relay.url,
      REDIS_COMMAND_TIMEOUT_MS: '300',
      AUDIT_FLUSH_INTERVAL_MS: '10000',
    });
  });
  afterAll(async () => {
    relay.releaseReplies();
    await t?.close();
    await relay.cut();
  });

  it('is found by the retry and not written twice', async () => {
    const path = `/api/v1/answer-lost-${Date.now()}`;
    expect((await request(t.server).get(path)).status).toBe(404);
    const writer = t.app.get(AuditWriter);
    await until(async () => writer.pending > 0);
    // The append that carries the entry reaches Redis; its answer does not reach the app.
    relay.holdRepliesAfter(path);
    await writer.flush();
    expect(writer.pending).toBeGreaterThan(0);
    relay.releaseReplies();
    await until(async () => {
      await writer.flush();
      return writer.pending === 0;
    });
    const recorded = (await auditEntries(t)).filter((e) => e.request.path === path);
    expect(recorded).toHaveLength(1);
    expect(recorded[0].outcome.status).toBe(404);
  });
});
