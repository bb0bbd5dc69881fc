import { randomUUID } from 'node:crypto';
import { RetentionJob } from '@techsapo/audit';
import { UsageLedgerStore } from '@techsapo/wall-bounce';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth, issueApiKey, signIn } from './support/auth';
import { FakeProvider, FakeProviders, startFakeProviders } from './support/fake-providers';
import { startTestApp, TestApp } from './support/test-app';
import { cooperative } from './support/wall-bounce-engine';

const PEERS: FakeProvider[] = [
  { name: 'peer-a', kind: 'openai', priceInputPer1M: 1, priceOutputPer1M: 2 },
  { name: 'peer-b', kind: 'anthropic', priceInputPer1M: 1, priceOutputPer1M: 2 },
  { name: 'peer-c', kind: 'gemini', priceInputPer1M: 1, priceOutputPer1M: 2 },
];
/** Every call: 100 tokens in at 1 USD per million, 50 out at 2 USD per million. */
const CALL_COST_USD = 0.0002;
const API_KEY_DAILY_USD = 0.0003;
const DAY_MS = 86_400_000;

const answer = cooperative({
  'peer-a': 'Use SET key value EX 60 so that the entry expires after sixty seconds.',
  'peer-b': 'Set it with SET key value EX 60; Redis removes it after sixty seconds.',
  'peer-c': 'Store it with SET and EX 60, or call EXPIRE on the key afterwards.',
});
/**
 * Cooperative providers. In the content: `EMPTY-PEER` makes peer-c answer nothing (billed, not
 * usable), `AGG-FAIL` makes the aggregator peer-a answer nothing as aggregator (the fallback
 * peer-b writes), `SLOW-AGG` makes every aggregation take 1.5 s.
 */
const scripted: Parameters<FakeProviders['script']>[1] = (call) => {
  const reply = answer(call);
  const aggregating = call.system.includes('task: aggregate');
  if (call.prompt.includes('EMPTY-PEER') && call.model === 'peer-c' && !aggregating)
    return { ...reply, text: '' };
  if (call.prompt.includes('AGG-FAIL') && call.model === 'peer-a' && aggregating)
    return { ...reply, text: '' };
  if (call.prompt.includes('SLOW-AGG') && aggregating) return { ...reply, latencyMs: 1500 };
  return reply;
};

const marker = (): string => `m-${Math.random().toString(36).slice(2, 12)}`;
const today = (): string => new Date().toISOString().slice(0, 10);

interface LedgerEntry {
  provider: string;
  role: string;
  ok: boolean;
  attempt: number;
  costUsd: number;
}

describe('usage ledger, daily budgets and cost caps (real engine, fake providers, real Redis)', () => {
  let t: TestApp;
  let fakes: FakeProviders;
  let admin: { Authorization: string };

  beforeAll(async () => {
    fakes = await startFakeProviders();
    for (const p of PEERS) fakes.script(p.name, scripted);
    t = await startTestApp(
      fakes.env(PEERS, {
        ROLE: 'all',
        WALL_BOUNCE_AGGREGATOR: 'peer-a',
        WALL_BOUNCE_FALLBACK_AGGREGATOR: 'peer-b',
        BUDGET_DAILY_USD_PER_API_KEY: String(API_KEY_DAILY_USD),
      }),
    );
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await fakes?.close();
    await t?.close();
  });

  const create = (auth: object, body: object, query = '?wait=30') =>
    request(t.server)
      .post(`/api/v1/analyses${query}`)
      .set(auth as Record<string, string>)
      .send(body);
  const setBudget = (kind: 'users' | 'api-keys', id: string, dailyUsd: unknown) =>
    request(t.server).put(`/api/v1/admin/budgets/${kind}/${id}`).set(admin).send({ dailyUsd });
  const callsSoFar = (): number => PEERS.reduce((n, p) => n + fakes.calls(p.name).length, 0);
  const ledger = async (ownerId: string, id: string): Promise<LedgerEntry[]> =>
    (await t.redis.client.lrange(t.redis.key('usage', `{${ownerId}}`, 'analysis', id), 0, -1)).map(
      (e) => JSON.parse(e) as LedgerEntry,
    );

  it('records every billed call as it ends: a failed peer’s and a failed aggregator’s too', async () => {
    const user = await signIn(t, 'analyst');
    const res = await create(user.auth, {
      content: `EMPTY-PEER AGG-FAIL ${marker()}`,
      cache: false,
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    const entries = await ledger(user.userId, res.body.id);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'peer-c', role: 'peer', ok: false }),
        expect.objectContaining({ provider: 'peer-a', role: 'aggregator', ok: false }),
        expect.objectContaining({ provider: 'peer-b', role: 'aggregator', ok: true }),
      ]),
    );
    expect(entries.every((e) => e.attempt === 1)).toBe(true);
    // Every call cost the same here: the analysis, its result and the day agree with the ledger.
    const cost = Number((entries.length * CALL_COST_USD).toFixed(9));
    expect(res.body.usage).toMatchObject({ calls: entries.length, failedCalls: 2, costUsd: cost });
    expect(res.body.result.usage.costUsd).toBeCloseTo(cost, 9);
    const peerC = res.body.result.providers.find((p: { name: string }) => p.name === 'peer-c');
    expect(peerC.usage.costUsd).toBeCloseTo(CALL_COST_USD, 9);
    const day = await t.redis.client.hgetall(
      t.redis.key('usage', `{${user.userId}}`, 'day', today()),
    );
    expect(day).toMatchObject({
      kind: 'user',
      calls: String(entries.length),
      failedCalls: '2',
      costNanoUsd: String(Math.round(cost * 1e9)),
      analyses: '1',
    });
  });

  it('shows the usage of a running analysis before it ends', async () => {
    const user = await signIn(t, 'analyst');
    const res = await create(user.auth, { content: `SLOW-AGG ${marker()}`, cache: false }, '');
    expect(res.status).toBe(202);
    let seen: { status: string; usage: { calls: number } } | undefined;
    for (let i = 0; i < 100; i += 1) {
      const got = await request(t.server).get(`/api/v1/analyses/${res.body.id}`).set(user.auth);
      seen = got.body;
      if (got.body.status === 'running' && got.body.usage.calls >= 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // The three peers have answered and are billed while the aggregator still writes.
    expect(seen).toMatchObject({ status: 'running', usage: { calls: 3 } });
  });

  it('refuses a user whose daily budget is spent with 429 budget-exceeded before any call', async () => {
    const user = await signIn(t, 'analyst');
    const set = await setBudget('users', user.userId, 0);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      kind: 'user',
      id: user.userId,
      name: user.username,
      dailyUsd: 0,
      source: 'override',
      overrideUsd: 0,
      spentTodayUsd: 0,
      remainingTodayUsd: 0,
    });
    const before = callsSoFar();
    const refused = await create(user.auth, { content: `over budget ${marker()}` });
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.type).toMatch(/budget-exceeded$/);
    const midnight = Date.parse(`${today()}T00:00:00Z`) + DAY_MS;
    expect(refused.body.budget).toEqual({
      kind: 'user',
      id: user.userId,
      dailyUsd: 0,
      spentUsd: 0,
      resetsAt: new Date(midnight).toISOString(),
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Math.abs(retryAfter - (midnight - Date.now()) / 1000)).toBeLessThan(5);
    expect(callsSoFar()).toBe(before);
    const mine = await request(t.server).get('/api/v1/analyses').set(user.auth);
    expect(mine.body.items).toEqual([]);

    // Back to the default (none in this deployment): admitted again.
    const reset = await setBudget('users', user.userId, null);
    expect(reset.body).toMatchObject({ dailyUsd: null, source: 'none', overrideUsd: null });
    expect((await create(user.auth, { content: `admitted ${marker()}` }, '')).status).toBe(202);
  });

  it('refuses once what was spent today reaches the budget; an answer from cache is still served', async () => {
    const user = await signIn(t, 'analyst');
    const content = `spend then stop ${marker()}`;
    const first = await create(user.auth, { content });
    expect(first.body.status).toBe('completed');
    const spent = first.body.usage.costUsd as number;
    expect(spent).toBeGreaterThan(0);
    expect((await setBudget('users', user.userId, spent)).body).toMatchObject({
      spentTodayUsd: spent,
      remainingTodayUsd: 0,
    });

    const before = callsSoFar();
    const cached = await create(user.auth, { content });
    expect(cached.status).toBe(200);
    expect(cached.body).toMatchObject({ cached: true, usage: { costUsd: 0 } });
    const refused = await create(user.auth, { content: `${content} more` });
    expect(refused.status).toBe(429);
    expect(refused.body.budget).toMatchObject({ dailyUsd: spent, spentUsd: spent });
    expect(callsSoFar()).toBe(before);
  });

  it('applies the settings’ default budget per API key, shown in the budgets overview', async () => {
    const key = await issueApiKey(t, 'ci');
    const first = await create(key.auth, { content: `from a key ${marker()}`, cache: false });
    expect(first.status).toBe(200);
    expect(first.body.ownerId).toBe(key.id);
    const spent = first.body.usage.costUsd as number;
    expect(spent).toBeGreaterThanOrEqual(API_KEY_DAILY_USD);
    const refused = await create(key.auth, { content: `again ${marker()}` });
    expect(refused.status).toBe(429);
    expect(refused.body.budget).toMatchObject({
      kind: 'api-key',
      id: key.id,
      dailyUsd: API_KEY_DAILY_USD,
      spentUsd: spent,
    });

    const overview = await request(t.server).get('/api/v1/admin/budgets').set(admin);
    expect(overview.status).toBe(200);
    expect(overview.body).toMatchObject({
      defaults: { userDailyUsd: null, apiKeyDailyUsd: API_KEY_DAILY_USD },
      day: today(),
    });
    expect(overview.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'api-key',
          id: key.id,
          dailyUsd: API_KEY_DAILY_USD,
          source: 'default',
          spentTodayUsd: spent,
          remainingTodayUsd: 0,
        }),
        expect.objectContaining({ kind: 'user', name: 'admin', dailyUsd: null, source: 'none' }),
      ]),
    );

    // An override lifts it for this key alone.
    expect((await setBudget('api-keys', key.id, 1)).body).toMatchObject({
      source: 'override',
      dailyUsd: 1,
      remainingTodayUsd: Number((1 - spent).toFixed(9)),
    });
    expect((await create(key.auth, { content: `lifted ${marker()}` }, '')).status).toBe(202);
  });

  it('stops calling at the cap: the request’s maxCostUsd, or what is left of the owner’s day', async () => {
    const aggregations = (): number =>
      PEERS.flatMap((p) => fakes.calls(p.name)).filter((c) => c.system.includes('task: aggregate'))
        .length;
    const user = await signIn(t, 'analyst');
    const before = aggregations();
    // The three peers start at once (nothing spent yet); then the cap is reached.
    const capped = await create(user.auth, { content: `capped ${marker()}`, maxCostUsd: 0.0001 });
    expect(capped.body.status).toBe('completed');
    expect(capped.body.result.degraded).toBe(true);
    expect(capped.body.result.degradedReasons.join('\n')).toMatch(/cost cap reached/);
    expect(capped.body.usage).toMatchObject({ calls: 3 });
    expect(aggregations()).toBe(before);

    // Without maxCostUsd, a daily budget leaves as much for the next analysis.
    await setBudget('users', user.userId, (capped.body.usage.costUsd as number) + 0.0001);
    const left = await create(user.auth, { content: `what is left ${marker()}` });
    expect(left.body.result.degradedReasons.join('\n')).toMatch(/cost cap reached/);
    expect(aggregations()).toBe(before);
  });

  it('answers 404 for an unknown user or key, 400 for a bad budget, and audits each change', async () => {
    expect((await setBudget('users', randomUUID(), 1)).status).toBe(404);
    expect((await setBudget('api-keys', randomUUID(), 1)).status).toBe(404);
    const user = await signIn(t, 'viewer');
    for (const body of [{ dailyUsd: -1 }, { dailyUsd: '5' }, { dailyUsd: 1e7 }, {}]) {
      const res = await request(t.server)
        .put(`/api/v1/admin/budgets/users/${user.userId}`)
        .set(admin)
        .send(body);
      expect(res.status).toBe(400);
      expect(new Set(res.body.errors.map((e: { field: string }) => e.field))).toEqual(
        new Set(['dailyUsd']),
      );
    }
    const extra = await request(t.server)
      .put(`/api/v1/admin/budgets/users/${user.userId}`)
      .set(admin)
      .send({ dailyUsd: 2, extra: true });
    expect(extra.status).toBe(400);

    expect((await setBudget('users', user.userId, 2.5)).status).toBe(200);
    let entries = await auditEntries(t);
    const mine = (e: (typeof entries)[number]): boolean =>
      e.request.path === `/api/v1/admin/budgets/users/${user.userId}`;
    for (let i = 0; i < 50 && !entries.some((e) => mine(e) && e.outcome.status === 200); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      entries = await auditEntries(t);
    }
    const changes = entries.filter(
      (e) => e.request.method === 'PUT' && e.request.path.startsWith('/api/v1/admin/budgets/'),
    );
    expect(changes.map((e) => [e.type, e.outcome.status])).toEqual(
      expect.arrayContaining([
        ['admin', 200],
        ['admin', 404],
        ['admin', 400],
      ]),
    );
    expect(changes.find((e) => mine(e) && e.outcome.status === 200)?.details.budget).toEqual({
      kind: 'user',
      id: user.userId,
      dailyUsd: 2.5,
    });

    // Only administrators see or set budgets and usage.
    for (const [method, path] of [
      ['get', '/api/v1/admin/budgets'],
      ['put', `/api/v1/admin/budgets/users/${user.userId}`],
      ['put', '/api/v1/admin/budgets/api-keys/x'],
      ['get', '/api/v1/admin/usage'],
    ] as const) {
      const res = await request(t.server)[method](path).set(user.auth).send({ dailyUsd: 1 });
      expect(res.status).toBe(403);
    }
  });

  it('reports usage per owner and UTC day, for one owner or all, and validates the range', async () => {
    const user = await signIn(t, 'analyst');
    const runs = [];
    for (let i = 0; i < 2; i += 1)
      runs.push(await create(user.auth, { content: `r${i} ${marker()}` }));
    const cost = runs.reduce((sum, r) => sum + (r.body.usage.costUsd as number), 0);

    const one = await request(t.server)
      .get(`/api/v1/admin/usage?ownerId=${user.userId}`)
      .set(admin);
    expect(one.status).toBe(200);
    const sevenDaysAgo = new Date(Date.now() - 6 * DAY_MS).toISOString().slice(0, 10);
    expect(one.body).toMatchObject({ since: sevenDaysAgo, until: today() });
    expect(one.body.items).toHaveLength(1);
    expect(one.body.items[0]).toMatchObject({
      day: today(),
      ownerId: user.userId,
      ownerKind: 'user',
      ownerName: user.username,
      analyses: 2,
    });
    expect(one.body.items[0].costUsd).toBeCloseTo(cost, 9);
    expect(one.body.totals.costUsd).toBeCloseTo(cost, 9);

    const all = await request(t.server)
      .get(`/api/v1/admin/usage?since=${today()}&until=${new Date().toISOString()}`)
      .set(admin);
    expect(all.status).toBe(200);
    const owners = new Set(all.body.items.map((i: { ownerId: string }) => i.ownerId));
    expect(owners.has(user.userId)).toBe(true);
    expect(owners.size).toBeGreaterThan(1);
    expect(all.body.totals.costUsd).toBeGreaterThan(cost);

    const empty = await request(t.server)
      .get(`/api/v1/admin/usage?since=2020-01-01&until=2020-01-31&ownerId=${user.userId}`)
      .set(admin);
    expect(empty.body).toMatchObject({ items: [], totals: { costUsd: 0, calls: 0 } });

    for (const query of [
      'since=yesterday',
      'until=2025-13-01',
      'since=2025-02-01&until=2025-01-01',
      'since=2025-01-01&until=2025-02-01',
      'ownerId=a%20b',
    ]) {
      const res = await request(t.server).get(`/api/v1/admin/usage?${query}`).set(admin);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
  });

  it('purges usage days older than the retention', async () => {
    const store = t.app.get(UsageLedgerStore);
    const owner = { id: `old-${marker()}`, kind: 'user' as const };
    await store.record(owner, 'a1', {
      id: 'e1',
      provider: 'peer-a',
      model: 'peer-a',
      role: 'peer',
      inputTokens: 1,
      outputTokens: 1,
      costUsd: 0.000003,
      ok: true,
      estimated: false,
      attempt: 1,
      at: new Date().toISOString(),
    });
    const dayKey = store.dayKey(owner.id, today());
    expect(await t.redis.client.exists(dayKey)).toBe(1);
    const run = await t.app.get(RetentionJob).run(new Date(Date.now() + 40 * DAY_MS));
    expect(run.removed.usage).toBeGreaterThanOrEqual(1);
    // One key per call: the day and the set of the day's owners live in different slots.
    expect(await t.redis.client.exists(dayKey)).toBe(0);
    expect(await t.redis.client.exists(store.daySetKey(today()))).toBe(0);
  });
});
