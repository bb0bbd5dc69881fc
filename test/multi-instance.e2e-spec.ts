import { redisConfig, RedisService } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectClient } from './support/mcp-upstreams';
import {
  freePort,
  RunningProcess,
  serviceSecrets,
  startService,
  waitForHttp,
} from './support/processes';

/**
 * Two API processes (the built service, `npm run build` first) sharing one Redis — or the
 * Redis Cluster under `npm run test:cluster` — and nothing else: what one instance does is
 * in force on the other at the next request.
 */
const PREFIX = `multi${randomBytes(4).toString('hex')}`;
const ADMIN = { username: 'admin', password: `admin-${randomBytes(12).toString('hex')}` };
const PER_MINUTE = 30;
// Instances must agree on every key: the signing secret, the audit chain, the data key.
const SHARED_ENV = {
  NODE_ENV: 'development',
  ROLE: 'api',
  HOST: '127.0.0.1',
  REDIS_KEY_PREFIX: PREFIX,
  ...serviceSecrets(),
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
  // Client addresses come from X-Forwarded-For, so each test acts from an address of its own.
  TRUST_PROXY: 'true',
  RATE_LIMIT_BURST: '1000',
  RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
  RATE_LIMIT_PER_HOUR: '100000',
  LOGIN_MAX_FAILURES: '3',
  MCP_SESSION_MAX_PER_USER: '2',
  LOG_LEVEL: 'warn',
};

interface Instance {
  name: string;
  url: string;
  process: RunningProcess;
}

interface Call {
  status: number;
  body: Record<string, unknown> & { items?: Record<string, unknown>[] };
  headers: Headers;
}

async function call(
  instance: Instance,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; from?: string } = {},
): Promise<Call> {
  const headers: Record<string, string> = { 'x-forwarded-for': options.from ?? '192.0.2.1' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${instance.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}

const login = (instance: Instance, username: string, password: string, from?: string) =>
  call(instance, 'POST', '/api/v1/auth/login', { body: { username, password }, from });

describe('two API instances sharing one Redis', () => {
  let a: Instance;
  let b: Instance;
  let adminToken: string;

  const start = async (name: string, role = SHARED_ENV.ROLE): Promise<Instance> => {
    const port = await freePort();
    return {
      name,
      url: `http://127.0.0.1:${port}`,
      process: startService({ ...SHARED_ENV, ROLE: role, PORT: String(port) }),
    };
  };

  /** A new analyst created through instance `via`. */
  const newUser = async (via: Instance) => {
    const username = `analyst-${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const created = await call(via, 'POST', '/api/v1/admin/users', {
      token: adminToken,
      body: { username, password, roles: ['analyst'] },
    });
    expect(created.status).toBe(201);
    return { id: String(created.body.id), username, password };
  };

  beforeAll(async () => {
    a = await start('a');
    b = await start('b');
    await Promise.all([a, b].map((i) => waitForHttp(`${i.url}/health/ready`, 45000)));
    const res = await login(a, ADMIN.username, ADMIN.password);
    expect(res.status).toBe(200);
    adminToken = String(res.body.accessToken);
  });

  afterAll(async () => {
    for (const i of [a, b]) i?.process.child.kill('SIGTERM');
    const codes = await Promise.all([a, b].map((i) => i?.process.exited));
    const redis = new RedisService(redisConfig.read(process.env));
    await redis.deleteMatching(`${PREFIX}:*`);
    await redis.onApplicationShutdown();
    expect(codes).toEqual([0, 0]);
  });

  it('are two processes on one Redis: one bootstrap admin, one user list', async () => {
    expect(a.process.child.pid).not.toBe(b.process.child.pid);
    const fromA = await call(a, 'GET', '/api/v1/admin/users', { token: adminToken });
    const fromB = await call(b, 'GET', '/api/v1/admin/users', { token: adminToken });
    expect(fromB.status).toBe(200);
    expect(fromB.body.items).toEqual(fromA.body.items);
    expect(fromA.body.items?.filter((u) => u.username === ADMIN.username)).toHaveLength(1);
  });

  it('a login on one is valid on the other; a logout on the other ends it on the first', async () => {
    const user = await newUser(b);
    const session = await login(a, user.username, user.password);
    expect(session.status).toBe(200);
    const token = String(session.body.accessToken);
    const me = await call(b, 'GET', '/api/v1/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, sessionId: session.body.sessionId });

    expect((await call(b, 'POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    expect((await call(a, 'GET', '/api/v1/auth/me', { token })).status).toBe(401);
  });

  it('an admin ending a session on one instance ends it on the other at once', async () => {
    const user = await newUser(a);
    const session = await login(b, user.username, user.password);
    const token = String(session.body.accessToken);
    expect((await call(b, 'GET', '/api/v1/auth/me', { token })).status).toBe(200);
    const listed = await call(b, 'GET', `/api/v1/admin/sessions?userId=${user.id}`, {
      token: adminToken,
    });
    expect(listed.body.items?.map((s) => s.id)).toEqual([session.body.sessionId]);

    const ended = await call(a, 'DELETE', `/api/v1/admin/sessions/${session.body.sessionId}`, {
      token: adminToken,
    });
    expect(ended.status).toBe(204);
    expect((await call(b, 'GET', '/api/v1/auth/me', { token })).status).toBe(401);
    const after = await call(b, 'GET', `/api/v1/admin/sessions?userId=${user.id}`, {
      token: adminToken,
    });
    expect(after.body.items).toEqual([]);
  });

  it('rate limits count the requests of both instances together', async () => {
    const user = await newUser(a);
    const token = String((await login(a, user.username, user.password)).body.accessToken);
    // The minute windows are aligned to the clock: start well inside one, so the previous
    // window's weight cannot lower the count half-way.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE; i += 1) {
      const res = await call(i % 2 === 0 ? a : b, 'GET', '/api/v1/auth/me', { token });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // Each instance alone has seen only half the limit; together they have seen all of it.
    const refusedA = await call(a, 'GET', '/api/v1/auth/me', { token });
    const refusedB = await call(b, 'GET', '/api/v1/auth/me', { token });
    expect([refusedA.status, refusedB.status]).toEqual([429, 429]);
    expect(Number(refusedB.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refusedB.headers.get('ratelimit-limit')).toBe(String(PER_MINUTE));
  });

  it('failed-login bans are global: failures on both instances ban on both', async () => {
    const user = await newUser(b);
    const from = '203.0.113.40';
    expect((await login(a, user.username, 'wrong-1', from)).status).toBe(401);
    expect((await login(b, user.username, 'wrong-2', from)).status).toBe(401);
    expect((await login(a, user.username, 'wrong-3', from)).status).toBe(401);
    // The right password is refused now, on either instance, from another address too.
    const onB = await login(b, user.username, user.password, '203.0.113.41');
    const onA = await login(a, user.username, user.password, '203.0.113.42');
    expect([onA.status, onB.status]).toEqual([429, 429]);
    expect(Number(onA.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a block made on one instance applies on the other', async () => {
    const user = await newUser(a);
    const token = String((await login(b, user.username, user.password)).body.accessToken);
    expect((await call(b, 'GET', '/api/v1/auth/me', { token })).status).toBe(200);
    const userBlock = await call(a, 'POST', '/api/v1/admin/blocks', {
      token: adminToken,
      body: { kind: 'user', value: user.id, reason: 'multi-instance test', ttlSeconds: 600 },
    });
    expect(userBlock.status).toBe(201);
    expect((await call(b, 'GET', '/api/v1/auth/me', { token })).status).toBe(403);

    const address = '198.51.100.77';
    const other = await newUser(b);
    const otherToken = String(
      (await login(a, other.username, other.password, address)).body.accessToken,
    );
    const ipBlock = await call(b, 'POST', '/api/v1/admin/blocks', {
      token: adminToken,
      body: { kind: 'ip', value: address, reason: 'multi-instance test', ttlSeconds: 600 },
    });
    expect(ipBlock.status).toBe(201);
    const blocked = await call(a, 'GET', '/api/v1/auth/me', { token: otherToken, from: address });
    expect(blocked.status).toBe(403);
    expect(blocked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The same user from another address is not that block's concern.
    expect(
      (await call(a, 'GET', '/api/v1/auth/me', { token: otherToken, from: '198.51.100.78' }))
        .status,
    ).toBe(200);

    const lifted = await call(b, 'DELETE', `/api/v1/admin/blocks/${userBlock.body.id}`, {
      token: adminToken,
    });
    expect(lifted.status).toBe(204);
    expect((await call(a, 'GET', '/api/v1/auth/me', { token })).status).toBe(200);
  });

  it('an MCP session pushed out by sessions opened on another mcp instance answers 404 at its next request', async () => {
    const [m1, m2] = await Promise.all(['m1', 'm2'].map((name) => start(name, 'mcp')));
    const clients: Client[] = [];
    try {
      await Promise.all([m1, m2].map((i) => waitForHttp(`${i.url}/health/ready`, 45000)));
      const user = await newUser(a);
      const from = '192.0.2.70';
      const token = String((await login(a, user.username, user.password, from)).body.accessToken);
      const headers = { authorization: `Bearer ${token}`, 'x-forwarded-for': from };
      const open = async (on: Instance) => {
        const c = await connectClient(`${on.url}/mcp`, headers);
        clients.push(c);
        return c;
      };
      const first = await open(m1);
      await expect(first.ping()).resolves.toBeDefined();
      // At most two sessions per user: the two opened on m2 end m1's, the least recently used.
      const others = [await open(m2), await open(m2)];
      await expect(first.ping()).rejects.toThrow(/404/);
      for (const c of others) await expect(c.ping()).resolves.toBeDefined();
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      for (const i of [m1, m2]) i.process.child.kill('SIGTERM');
      await Promise.all([m1, m2].map((i) => i.process.exited));
    }
  });
});

describe('two API instances and workers that come and go', () => {
  const prefix = `multi${randomBytes(4).toString('hex')}`;
  const env = {
    ...SHARED_ENV,
    REDIS_KEY_PREFIX: prefix,
    RATE_LIMIT_PER_MINUTE: '1000',
    // The bundled simulator answers for the providers (development, none configured), slowly
    // enough that a job is still running when its worker is killed; a dead worker's lock
    // lapses after 5 s (renewed every 2.5 s while it lives) and the others look for stalled
    // jobs every 2 s.
    WALL_BOUNCE_SIMULATOR: 'on',
    WALL_BOUNCE_SIMULATOR_LATENCY_MS: '1500',
    WALL_BOUNCE_LOCK_DURATION_MS: '5000',
    WALL_BOUNCE_STALLED_INTERVAL_MS: '2000',
  };
  const processes: RunningProcess[] = [];
  let a: Instance;
  let b: Instance;
  let token: string;

  const start = async (name: string, role: string): Promise<Instance> => {
    const port = await freePort();
    const instance = {
      name,
      url: `http://127.0.0.1:${port}`,
      process: startService({ ...env, ROLE: role, PORT: String(port) }),
    };
    processes.push(instance.process);
    await waitForHttp(`${instance.url}/health/ready`, 45000);
    return instance;
  };

  const analysis = (via: Instance, id: string) =>
    call(via, 'GET', `/api/v1/analyses/${id}`, { token });

  /** Polls `via` until the analysis reaches one of `statuses` (or the deadline). */
  const until = async (via: Instance, id: string, statuses: string[], timeoutMs = 90000) => {
    const deadline = Date.now() + timeoutMs;
    let last = await analysis(via, id);
    while (!statuses.includes(String(last.body.status)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      last = await analysis(via, id);
    }
    return last;
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([start('a', 'api'), start('b', 'api')]);
    const admin = String((await login(a, ADMIN.username, ADMIN.password)).body.accessToken);
    const username = `analyst-${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const created = await call(a, 'POST', '/api/v1/admin/users', {
      token: admin,
      body: { username, password, roles: ['analyst'] },
    });
    expect(created.status).toBe(201);
    token = String((await login(b, username, password)).body.accessToken);
  });

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    const redis = new RedisService(redisConfig.read(process.env));
    await redis.deleteMatching(`${prefix}:*`);
    await redis.onApplicationShutdown();
  });

  const submit = (via: Instance, content: string) =>
    call(via, 'POST', '/api/v1/analyses', { token, body: { content, cache: false } });

  it('an analysis submitted to one API instance is visible from the other, and a worker finishes it', async () => {
    const worker = await start('w1', 'worker');
    const submitted = await submit(a, 'Is this loop correct?\nfor (let i = 0; i <= n; i++) {}');
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('location')).toBe(`/api/v1/analyses/${submitted.body.id}`);
    const id = String(submitted.body.id);
    const seen = await analysis(b, id);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id, ownerId: submitted.body.ownerId });
    const listed = await call(b, 'GET', '/api/v1/analyses', { token });
    expect(listed.body.items?.map((x) => x.id)).toContain(id);
    const done = await until(b, id, ['completed', 'failed']);
    expect(done.body.status).toBe('completed');
    worker.process.child.kill('SIGTERM');
    expect(await worker.process.exited).toBe(0);
  }, 150000);

  it('a worker killed in the middle of a job loses nothing: a worker that joins later finishes it', async () => {
    const first = await start('w2', 'worker');
    const submitted = await submit(b, 'Review: const x = JSON.parse(input); return x.a.b;');
    expect(submitted.status).toBe(202);
    const id = String(submitted.body.id);
    expect((await until(a, id, ['running', 'completed', 'failed'])).body.status).toBe('running');
    first.process.child.kill('SIGKILL');
    await first.process.exited;
    // Nobody works on it now; it stays running (not lost, not failed) until a worker joins.
    expect((await analysis(a, id)).body.status).toBe('running');
    await start('w3', 'worker');
    const done = await until(a, id, ['completed', 'failed']);
    expect(done.body.status).toBe('completed');
    expect(done.body.result).toBeDefined();
  }, 150000);
});
