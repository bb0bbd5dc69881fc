import request from 'supertest';
import { adminAuth, signIn } from './support/auth';
import { RedisRelay } from './support/redis-relay';
import { startTestApp, TestApp } from './support/test-app';

const ME = '/api/v1/auth/me';
const LIMITS = {
  RATE_LIMIT_BURST: '20',
  RATE_LIMIT_PER_MINUTE: '100',
  RATE_LIMIT_PER_HOUR: '2000',
};

function expectRateLimited(res: request.Response, limit: number): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.headers['ratelimit-limit']).toBe(String(limit));
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
}

describe('rate limits (API.md "Rate limits", RL1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(LIMITS);
  });
  afterAll(() => t.close());

  /**
   * 25 requests at once, fired just after a second begins. The burst window is a fixed second
   * weighed with the one before (a sliding estimate), so a batch the machine could not serve
   * within its second straddles two windows and legitimately admits more: such a batch is
   * repeated (at most three times, each with a quota of its own) rather than judged.
   */
  async function burst(
    prepare: () => Promise<Record<string, string>>,
  ): Promise<request.Response[]> {
    let responses: request.Response[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const headers = await prepare();
      await new Promise((r) => setTimeout(r, 1005 - (Date.now() % 1000)));
      const second = Math.floor(Date.now() / 1000);
      responses = await Promise.all(
        Array.from({ length: 25 }, () => request(t.server).get(ME).set(headers)),
      );
      if (Math.floor(Date.now() / 1000) === second) break;
    }
    return responses;
  }

  it('answers 25 requests of one session in one second with 20 admitted and 429s with the headers', async () => {
    const other = await signIn(t, 'viewer');
    const responses = await burst(async () => (await signIn(t, 'viewer')).auth);
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok.length + limited.length).toBe(25);
    expect(ok.length).toBeLessThanOrEqual(20);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    for (const r of limited) expectRateLimited(r, 20);
    expect(ok[0].headers['ratelimit-limit']).toBeDefined();
    // Another principal has its own quota.
    expect((await request(t.server).get(ME).set(other.auth)).status).toBe(200);
  });

  it('limits anonymous callers by client address', async () => {
    // One address for every attempt: a repeat waits until its earlier windows have passed.
    let first = true;
    const responses = await burst(async () => {
      if (!first) await new Promise((r) => setTimeout(r, 2000));
      first = false;
      return {};
    });
    expect(responses.filter((r) => r.status === 401).length).toBeLessThanOrEqual(20);
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    for (const r of limited) expectRateLimited(r, 20);
  });

  it('never limits health probes and metrics scrapes', async () => {
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => request(t.server).get('/health/live')),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
  });
});

describe('hourly limit blocks the session (RL2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      RATE_LIMIT_BURST: '1000',
      RATE_LIMIT_PER_MINUTE: '1000',
      RATE_LIMIT_PER_HOUR: '5',
    });
  });
  afterAll(() => t.close());

  it('answers 429 past the hourly limit and blocks the session', async () => {
    const user = await signIn(t, 'analyst');
    for (let i = 0; i < 5; i += 1)
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(200);
    const refused = await request(t.server).get(ME).set(user.auth);
    expectRateLimited(refused, 5);
    // The block lasts until the hourly window turns (windows follow the clock's hours).
    const untilNextHour = 3600 - (Math.floor(Date.now() / 1000) % 3600);
    expect(Math.abs(Number(refused.headers['retry-after']) - untilNextHour)).toBeLessThanOrEqual(2);
    const blocks = await request(t.server)
      .get('/api/v1/admin/blocks')
      .set(await adminAuth(t));
    expect(blocks.body.items).toEqual([
      expect.objectContaining({
        kind: 'session',
        value: user.sessionId,
        createdBy: 'rate-limiter',
      }),
    ]);
    const metrics = await request(t.server).get('/metrics');
    expect(metrics.text).toMatch(
      /techsapo_security_violations_total\{type="rate_limit",severity="high"\} 1/,
    );
  });
});

describe('failed-login bans (AU5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'true', LOGIN_MAX_FAILURES: '5' });
  });
  afterAll(() => t.close());

  const attempt = (username: string, password: string, ip: string) =>
    request(t.server)
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ username, password });

  it('bans a username after 5 failures from any addresses, even with the right password', async () => {
    const user = await signIn(t, 'viewer');
    for (let i = 1; i <= 5; i += 1) {
      expect((await attempt(user.username, 'wrong-password', `198.51.100.${i}`)).status).toBe(401);
    }
    const banned = await attempt(user.username, user.password, '198.51.100.99');
    expect(banned.status).toBe(429);
    expect(banned.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(banned.headers['retry-after'])).toBeGreaterThan(800);
    expect(Number(banned.headers['retry-after'])).toBeLessThanOrEqual(900);
    // Another user from one of those addresses is not affected.
    const other = await signIn(t, 'viewer');
    expect((await attempt(other.username, other.password, '198.51.100.1')).status).toBe(200);
  });

  it('bans a client address after 5 failures for any usernames', async () => {
    for (let i = 1; i <= 5; i += 1) {
      expect((await attempt(`guess-${i}`, 'wrong-password', '203.0.113.77')).status).toBe(401);
    }
    const banned = await attempt(t.admin.username, t.admin.password, '203.0.113.77');
    expect(banned.status).toBe(429);
    expect(Number(banned.headers['retry-after'])).toBeGreaterThan(800);
    expect((await attempt(t.admin.username, t.admin.password, '203.0.113.78')).status).toBe(200);
    const metrics = await request(t.server).get('/metrics');
    expect(metrics.text).toMatch(
      /techsapo_security_violations_total\{type="brute_force",severity="high"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /techsapo_auth_attempts_total\{result="banned",method="login"\} [1-9]/,
    );
  });

  it('a correct password clears the username count', async () => {
    const user = await signIn(t, 'viewer');
    for (let i = 1; i <= 4; i += 1) await attempt(user.username, 'wrong-password', `192.0.2.${i}`);
    expect((await attempt(user.username, user.password, '192.0.2.50')).status).toBe(200);
    for (let i = 1; i <= 4; i += 1)
      await attempt(user.username, 'wrong-password', `192.0.2.${10 + i}`);
    expect((await attempt(user.username, user.password, '192.0.2.51')).status).toBe(200);
  });
});

describe('client address without TRUST_PROXY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'false', LOGIN_MAX_FAILURES: '5' });
  });
  afterAll(() => t.close());

  it('ignores a spoofed X-Forwarded-For: the failures count against the real address', async () => {
    for (let i = 1; i <= 5; i += 1) {
      await request(t.server)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `10.9.8.${i}`)
        .send({ username: `spoof-${i}`, password: 'wrong-password' });
    }
    const res = await request(t.server)
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.9.8.200')
      .send({ username: t.admin.username, password: t.admin.password });
    expect(res.status).toBe(429);
  });
});

// The relay stands in for one Redis node; a cluster client learns every node's real address from
// CLUSTER SLOTS and would bypass it, so this runs on the single-node suite only (the fail-closed
// path it checks does not depend on the topology).
const describeSingleNode = process.env.REDIS_CLUSTER_NODES ? describe.skip : describe;

describeSingleNode('Redis outage', () => {
  let t: TestApp;
  let relay: RedisRelay;

  beforeAll(async () => {
    relay = await RedisRelay.open();
    t = await startTestApp({ REDIS_URL: relay.url });
  });
  afterAll(async () => {
    await t.close();
    await relay.cut();
  });

  it('fails closed with 503 problem+json, and recovers when Redis returns', async () => {
    const user = await signIn(t, 'analyst');
    expect((await request(t.server).get(ME).set(user.auth)).status).toBe(200);
    await relay.cut();
    const refused = await request(t.server).get(ME).set(user.auth);
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    const login = await request(t.server)
      .post('/api/v1/auth/login')
      .send({ username: user.username, password: user.password });
    expect(login.status).toBe(503);
    expect(login.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    // Anonymous readiness says only that it is not ready.
    const ready = await request(t.server).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'error' });
    await relay.listen();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i += 1) {
      status = (await request(t.server).get(ME).set(user.auth)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });
});
