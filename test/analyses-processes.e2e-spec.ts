import { redisConfig, RedisService } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import { FakeProvider, FakeProviders, startFakeProviders } from './support/fake-providers';
import {
  freePort,
  RunningProcess,
  serviceSecrets,
  startService,
  waitForHttp,
} from './support/processes';
import { cooperative } from './support/wall-bounce-engine';

/**
 * The built service (`npm run build` first) as separate processes on one Redis: an `api`
 * process that only produces jobs and serves SSE, and `worker` processes that run them with
 * the real engine against the fake providers.
 */
const PREFIX = `wbp${randomBytes(4).toString('hex')}`;
const ADMIN = { username: 'admin', password: `admin-${randomBytes(12).toString('hex')}` };
const PEERS: FakeProvider[] = [
  { name: 'peer-a', kind: 'openai', priceInputPer1M: 1, priceOutputPer1M: 2 },
  { name: 'peer-b', kind: 'anthropic', priceInputPer1M: 1, priceOutputPer1M: 2 },
  { name: 'peer-c', kind: 'gemini', priceInputPer1M: 1, priceOutputPer1M: 2 },
];
const ANSWERS = {
  'peer-a': 'Use SET key value EX 60 so that the entry expires after sixty seconds.',
  'peer-b': 'Set it with SET key value EX 60; Redis removes it after sixty seconds.',
  'peer-c': 'Store it with SET and EX 60, or call EXPIRE on the key afterwards.',
};
/** Content with this word makes every provider answer slowly (the worker is killed meanwhile). */
const SLOW = 'SLOWLY';
/** Content with this word makes only the aggregation slow: the peers have answered (and billed). */
const SLOW_AGGREGATION = 'SLOW-AGG';
/** Every call of the cooperative script: 100 tokens in at 1 USD per million, 50 out at 2. */
const CALL_COST_USD = 0.0002;

interface Instance {
  url: string;
  process: RunningProcess;
}

describe('analyses across separate api and worker processes', () => {
  let fakes: FakeProviders;
  let env: Record<string, string>;
  let api: Instance;
  const workers: Instance[] = [];
  let token: string;

  const start = async (role: 'api' | 'worker'): Promise<Instance> => {
    const port = await freePort();
    const instance = {
      url: `http://127.0.0.1:${port}`,
      process: startService({ ...env, ROLE: role, PORT: String(port) }),
    };
    await waitForHttp(`${instance.url}/health/live`, 45000);
    return instance;
  };

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    auth = token,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  };

  /** Follows an analysis' event stream until `until` matches what has come, then leaves. */
  const followUntil = async (id: string, until: RegExp, what: string): Promise<void> => {
    const stream = await fetch(`${api.url}/api/v1/analyses/${id}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while (!until.test(seen)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the event stream ended before ${what}:\n${seen}`);
      seen += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
  };

  /** Kills a worker mid-job (SIGKILL: no shutdown) and starts another in its place. */
  const killWorker = async (victim: Instance): Promise<void> => {
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    workers.push(await start('worker'));
  };

  const finalState = async (id: string) => {
    let final = await call('GET', `/api/v1/analyses/${id}`);
    while (final.body.status === 'running' || final.body.status === 'queued') {
      await new Promise((r) => setTimeout(r, 250));
      final = await call('GET', `/api/v1/analyses/${id}`);
    }
    return final;
  };

  /** The whole event stream of a finished analysis. */
  const eventsOf = async (id: string): Promise<string> =>
    fetch(`${api.url}/api/v1/analyses/${id}/events`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.text());

  beforeAll(async () => {
    fakes = await startFakeProviders();
    const script = cooperative(ANSWERS);
    for (const p of PEERS)
      fakes.script(p.name, (c) =>
        c.prompt.includes(SLOW) ||
        (c.prompt.includes(SLOW_AGGREGATION) && c.system.includes('task: aggregate'))
          ? { ...script(c), latencyMs: 2500 }
          : script(c),
      );
    env = fakes.env(PEERS, {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      REDIS_KEY_PREFIX: PREFIX,
      ...serviceSecrets(),
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      WALL_BOUNCE_AGGREGATOR: 'peer-a',
      // A dead worker's job is taken over within a few seconds.
      WALL_BOUNCE_LOCK_DURATION_MS: '2000',
      WALL_BOUNCE_STALLED_INTERVAL_MS: '1000',
      ANALYSIS_HEARTBEAT_MS: '500',
      LOG_LEVEL: 'warn',
    });
    api = await start('api');
    workers.push(await start('worker'));
    const login = await call('POST', '/api/v1/auth/login', ADMIN, '');
    const adminToken = String(login.body.accessToken);
    const username = `analyst-${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const created = await call(
      'POST',
      '/api/v1/admin/users',
      { username, password, roles: ['analyst'] },
      adminToken,
    );
    expect(created.status).toBe(201);
    token = String(
      (await call('POST', '/api/v1/auth/login', { username, password }, '')).body.accessToken,
    );
  }, 120000);

  afterAll(async () => {
    for (const i of [api, ...workers]) {
      if (i && i.process.child.exitCode === null && !i.process.child.killed)
        i.process.child.kill('SIGTERM');
    }
    await Promise.all([api, ...workers].map((i) => i?.process.exited));
    await fakes?.close();
    const redis = new RedisService(redisConfig.read(process.env));
    await redis.deleteMatching(`${PREFIX}:*`);
    await redis.onApplicationShutdown();
  });

  it('delivers the worker’s events in order over SSE from the api process', async () => {
    const created = await call('POST', '/api/v1/analyses', {
      content: `Explain key expiry ${randomBytes(4).toString('hex')}`,
    });
    expect(created.status).toBe(202);
    const res = await fetch(`${api.url}/api/v1/analyses/${String(created.body.id)}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text(); // the server ends the stream after `completed`
    const events = text
      .split('\n\n')
      .map((block) => /^data: (.*)$/m.exec(block)?.[1])
      .filter((d): d is string => !!d)
      .map((d) => JSON.parse(d) as { seq: number; type: string });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('queued');
    expect(types).toEqual(
      expect.arrayContaining(['started', 'provider_started', 'provider_completed', 'aggregating']),
    );
    expect(types[types.length - 1]).toBe('completed');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(types.indexOf('started')).toBeLessThan(types.indexOf('provider_completed'));

    const final = await call('GET', `/api/v1/analyses/${String(created.body.id)}`);
    expect(final.body.status).toBe('completed');
  }, 60000);

  it('a worker killed mid-job: another worker retries the job and completes it', async () => {
    const created = await call('POST', '/api/v1/analyses', {
      content: `Answer ${SLOW} please ${randomBytes(4).toString('hex')}`,
      cache: false,
    });
    expect(created.status).toBe(202);
    const id = String(created.body.id);
    // Mid-job: the worker has announced the job and its providers are answering (2.5 s each
    // round), as its own events on the stream show.
    await followUntil(id, /^event: provider_started$/m, 'the providers started');
    await killWorker(workers[0]);

    const final = await finalState(id);
    expect(final.body.status).toBe('completed');
    expect((final.body.result as { answer: string }).answer).toContain('FINAL');
    const events = await eventsOf(id);
    expect(events.match(/^event: started$/gm)?.length).toBeGreaterThanOrEqual(2);
    // The killed attempt's calls in flight are closed on the stream.
    expect(events.match(/^event: provider_abandoned$/gm)?.length).toBeGreaterThanOrEqual(1);
  }, 90000);

  it('a takeover closes the stopped attempt’s open calls, shows attempt 2, and bills both attempts', async () => {
    const created = await call('POST', '/api/v1/analyses', {
      content: `Answer ${SLOW_AGGREGATION} please ${randomBytes(4).toString('hex')}`,
      cache: false,
    });
    expect(created.status).toBe(202);
    const id = String(created.body.id);
    // The peers have answered; the aggregator is writing when the worker is killed.
    await followUntil(
      id,
      /^event: provider_started\ndata: .*"role":"aggregator"/m,
      'the aggregation started',
    );
    await killWorker(workers[workers.length - 1]);

    const final = await finalState(id);
    expect(final.body.status).toBe('completed');

    const events = (await eventsOf(id))
      .split('\n\n')
      .map((block) => /^data: (.*)$/m.exec(block)?.[1])
      .filter((d): d is string => !!d)
      .map((d) => JSON.parse(d) as { type: string; data: Record<string, unknown> });
    const started = events.filter((e) => e.type === 'started');
    expect(started.map((e) => e.data.attempt)).toEqual([1, 2]);
    const abandoned = events.filter((e) => e.type === 'provider_abandoned');
    expect(abandoned).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ provider: 'peer-a', role: 'aggregator', attempt: 1 }),
      }),
    ]);
    // Closed before the new attempt starts.
    expect(events.indexOf(abandoned[0])).toBeLessThan(events.indexOf(started[1]));
    expect(events[events.length - 1].type).toBe('completed');

    // The first attempt's billed calls (its three peers) are in the ledger and the final usage.
    const redis = new RedisService(redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: PREFIX }));
    try {
      const ledger = (
        await redis.client.lrange(
          redis.key('usage', `{${String(created.body.ownerId)}}`, 'analysis', id),
          0,
          -1,
        )
      ).map((e) => JSON.parse(e) as { provider: string; role: string; attempt: number });
      expect(
        ledger
          .filter((e) => e.attempt === 1)
          .map((e) => e.provider)
          .sort(),
      ).toEqual(['peer-a', 'peer-b', 'peer-c']);
      const usage = final.body.usage as { calls: number; costUsd: number };
      expect(usage.calls).toBe(ledger.length);
      expect(usage.costUsd).toBeCloseTo(ledger.length * CALL_COST_USD, 9);
      const result = final.body.result as {
        usage: { costUsd: number };
        providers: { name: string; usage: { costUsd: number } }[];
      };
      expect(result.usage.costUsd).toBeCloseTo(usage.costUsd, 9);
      // peer-b answered as a peer in each attempt.
      expect(result.providers.find((p) => p.name === 'peer-b')?.usage.costUsd).toBeCloseTo(
        2 * CALL_COST_USD,
        9,
      );
    } finally {
      await redis.onApplicationShutdown();
    }
  }, 90000);

  it('SIGTERM lets the worker finish its running analysis before it exits', async () => {
    const worker = workers[workers.length - 1];
    const created = await call('POST', '/api/v1/analyses', {
      content: `Answer ${SLOW} before stopping ${randomBytes(4).toString('hex')}`,
      cache: false,
    });
    const id = String(created.body.id);
    while ((await call('GET', `/api/v1/analyses/${id}`)).body.status !== 'running')
      await new Promise((r) => setTimeout(r, 100));
    worker.process.child.kill('SIGTERM');
    expect(await worker.process.exited).toBe(0);
    const final = await call('GET', `/api/v1/analyses/${id}`);
    expect(final.body.status).toBe('completed');
  }, 90000);

  it('SIGTERM ends the api process’s event streams and ?wait requests instead of waiting for them', async () => {
    const own = await start('api');
    const res = await fetch(`${own.url}/api/v1/analyses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        content: `Answer ${SLOW} while the api stops ${randomBytes(4).toString('hex')}`,
        cache: false,
      }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const stream = await fetch(`${own.url}/api/v1/analyses/${id}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let seen = decoder.decode((await reader.read()).value, { stream: true });
    // A second analysis, created with ?wait=60: its request is in the api once it is listed.
    const waiting = fetch(`${own.url}/api/v1/analyses?wait=60`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        content: `Answer ${SLOW} ${randomBytes(4).toString('hex')}`,
        cache: false,
      }),
    });
    const newest = async (): Promise<string | undefined> => {
      const list = await call('GET', '/api/v1/analyses?limit=1');
      return (list.body.items as { id: string }[])[0]?.id;
    };
    while ((await newest()) === id) await new Promise((r) => setTimeout(r, 50));
    own.process.child.kill('SIGTERM');
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
    }
    // It stopped cleanly (not by the shutdown timeout) while the analysis was still going.
    expect(await own.process.exited).toBe(0);
    expect(own.process.output()).toContain('shutdown complete');
    expect(seen).toMatch(/^: stream$/m);
    expect(seen).not.toMatch(/^event: (completed|failed)$/m);
    const waited = await waiting;
    expect(waited.status).toBe(202);
    expect(((await waited.json()) as { status: string }).status).toMatch(/^(queued|running)$/);
  }, 60000);
});
