import { AuditEntry, AuditStore } from '@techsapo/audit';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth, issueApiKey, signIn, SignedIn } from './support/auth';
import { startTestApp, TestApp } from './support/test-app';

interface Call {
  name: string;
  status: number;
  decision: 'allowed' | 'denied';
  reason?: string;
  send(id: string): Promise<request.Response>;
}

describe('audit trail over HTTP', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let viewer: SignedIn;
  let apiKey: { id: string; key: string; auth: { Authorization: string } };
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '3' });
    admin = await adminAuth(t);
    viewer = await signIn(t, 'viewer');
    apiKey = await issueApiKey(t, 'ci');
    secrets.push(
      t.admin.password,
      admin.Authorization.slice('Bearer '.length),
      viewer.password,
      viewer.token,
      apiKey.key,
    );
  });
  afterAll(() => t.close());

  const entriesOf = (all: AuditEntry[], requestId: string): AuditEntry[] =>
    all.filter((e) => e.type !== 'security' && e.request.clientRequestId === requestId);

  it('records every call exactly once with who, what and the right decision', async () => {
    const forged = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"sub":"x"}').toString('base64url')}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
    secrets.push(forged);
    const calls: Call[] = [
      {
        name: 'admin reads the trail',
        status: 200,
        decision: 'allowed',
        send: (id) =>
          request(t.server).get('/api/v1/admin/audit').set(admin).set('X-Request-Id', id),
      },
      {
        name: 'API key principal',
        status: 200,
        decision: 'allowed',
        send: (id) =>
          request(t.server).get('/api/v1/auth/me').set(apiKey.auth).set('X-Request-Id', id),
      },
      {
        name: 'no credentials',
        status: 401,
        decision: 'denied',
        reason: 'unauthenticated',
        send: (id) => request(t.server).get('/api/v1/admin/audit').set('X-Request-Id', id),
      },
      {
        name: 'forged JWT',
        status: 401,
        decision: 'denied',
        send: (id) =>
          request(t.server)
            .get('/api/v1/auth/me')
            .set('Authorization', `Bearer ${forged}`)
            .set('X-Request-Id', id),
      },
      {
        name: 'viewer on an admin route',
        status: 403,
        decision: 'denied',
        reason: 'forbidden',
        send: (id) =>
          request(t.server).get('/api/v1/admin/audit').set(viewer.auth).set('X-Request-Id', id),
      },
      {
        name: 'invalid query',
        status: 400,
        decision: 'denied',
        reason: 'validation-failed',
        send: (id) =>
          request(t.server).get('/api/v1/admin/audit?limit=0').set(admin).set('X-Request-Id', id),
      },
      {
        name: 'body too large',
        status: 413,
        decision: 'denied',
        reason: 'payload-too-large',
        send: (id) =>
          request(t.server)
            .post('/api/v1/auth/login')
            .set('Content-Type', 'application/json')
            .set('X-Request-Id', id)
            .send(JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) })),
      },
      {
        name: 'unknown path',
        status: 404,
        decision: 'denied',
        reason: 'not-found',
        send: (id) => request(t.server).get('/api/v1/no-such-thing').set('X-Request-Id', id),
      },
      ...[1, 2, 3].map((n): Call => ({
        name: `failed login ${n}`,
        status: 401,
        decision: 'denied',
        send: (id) =>
          request(t.server)
            .post('/api/v1/auth/login')
            .set('X-Request-Id', id)
            .send({ username: 'ghost', password: 'wrong-password-guess' }),
      })),
      {
        name: 'banned login',
        status: 429,
        decision: 'denied',
        send: (id) =>
          request(t.server)
            .post('/api/v1/auth/login')
            .set('X-Request-Id', id)
            .send({ username: 'ghost', password: 'wrong-password-guess' }),
      },
    ];
    secrets.push('wrong-password-guess');
    const before = (await auditEntries(t)).length;
    const ids: string[] = [];
    const serverIds: string[] = [];
    for (const call of calls) {
      const id = `mixed-${randomBytes(6).toString('hex')}`;
      ids.push(id);
      const res = await call.send(id);
      serverIds.push(String(res.headers['x-request-id']));
      expect({ call: call.name, status: res.status }).toEqual({
        call: call.name,
        status: call.status,
      });
    }
    const all = await auditEntries(t, before + calls.length);
    calls.forEach((call, i) => {
      const found = entriesOf(all, ids[i]);
      expect({ call: call.name, count: found.length }).toEqual({ call: call.name, count: 1 });
      expect(found[0].outcome).toMatchObject({
        status: call.status,
        decision: call.decision,
        ...(call.reason ? { reason: call.reason } : {}),
      });
      expect(found[0].request.ip).toBe('127.0.0.***');
      // The id the trail stores is the server's, answered in X-Request-Id; the client's is apart.
      expect(found[0].request.id).toBe(serverIds[i]);
      expect(serverIds[i]).not.toBe(ids[i]);
    });
    const [adminCall] = entriesOf(all, ids[0]);
    expect(adminCall).toMatchObject({
      type: 'admin',
      actor: { username: 'admin', roles: ['admin'] },
      request: { method: 'GET', path: '/api/v1/admin/audit', route: '/api/v1/admin/audit' },
    });
    expect(adminCall.actor.sessionId).toBeDefined();
    const [keyCall] = entriesOf(all, ids[1]);
    expect(keyCall).toMatchObject({ type: 'auth', actor: { apiKeyId: apiKey.id } });
    const [login] = entriesOf(all, ids[8]);
    expect(login.details.body).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Every entry in Redis, not only these: no secret and no full client address.
    const stored = JSON.stringify(all);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    expect(stored).not.toMatch(/127\.0\.0\.1\b/);

    const verify = await request(t.server).get('/api/v1/admin/audit/verify').set(admin);
    expect(verify.status).toBe(200);
    expect(verify.body).toEqual({ ok: true, checked: all.length });
  });

  it('lists with filters and cursor pagination', async () => {
    const all = await auditEntries(t, 1);
    const byType = await request(t.server)
      .get('/api/v1/admin/audit?type=auth&limit=200')
      .set(admin);
    expect(byType.status).toBe(200);
    expect(byType.body.items.length).toBeGreaterThan(0);
    expect(byType.body.items.every((e: AuditEntry) => e.type === 'auth')).toBe(true);
    const byActor = await request(t.server)
      .get(`/api/v1/admin/audit?actorId=${viewer.userId}&limit=200`)
      .set(admin);
    expect(byActor.body.items.length).toBeGreaterThan(0);
    expect(byActor.body.items.every((e: AuditEntry) => e.actor.id === viewer.userId)).toBe(true);

    // Walk everything written so far, three at a time, newest first.
    const seen: number[] = [];
    let cursor: string | null = null;
    const until = new Date(Date.parse(all[all.length - 1].timestamp)).toISOString();
    do {
      const page: request.Response = await request(t.server)
        .get('/api/v1/admin/audit')
        .query({ limit: 3, until, ...(cursor ? { cursor } : {}) })
        .set(admin);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: AuditEntry) => e.seq));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.seq).reverse());
    expect(new Set(seen).size).toBe(seen.length);

    const since = await request(t.server)
      .get('/api/v1/admin/audit')
      .query({ since: new Date(Date.now() + 60_000).toISOString() })
      .set(admin);
    expect(since.body).toEqual({ items: [], nextCursor: null });
    const bad = await request(t.server)
      .get('/api/v1/admin/audit?cursor=bm90LWEtY3Vyc29y')
      .set(admin);
    expect(bad.status).toBe(400);
    const unknownType = await request(t.server)
      .get('/api/v1/admin/audit?type=everything')
      .set(admin);
    expect(unknownType.status).toBe(400);
  });

  it('exports every entry as NDJSON, one a line, without secrets', async () => {
    const all = await auditEntries(t, 1);
    const res = await request(t.server)
      .get('/api/v1/admin/audit/export')
      .set(admin)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (res.body as string).split('\n').filter(Boolean);
    expect(lines).toHaveLength(all.length);
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual(all.map((e) => e.seq));
    for (const secret of secrets) expect(res.body).not.toContain(secret);
    const none = await request(t.server)
      .get('/api/v1/admin/audit/export')
      .query({ since: new Date(Date.now() + 60_000).toISOString() })
      .set(admin);
    expect(none.status).toBe(200);
  });

  it('verify names the seq of an entry deleted from Redis', async () => {
    const all = await auditEntries(t, 5);
    const store = t.app.get(AuditStore);
    const victim = all[Math.floor(all.length / 2)];
    const [stored] = (await store.range('-', '+', 10_000)).filter(
      (s) => s.entry.seq === victim.seq,
    );
    await t.redis.client.xdel(store.streamKey, stored.streamId);
    const res = await request(t.server).get('/api/v1/admin/audit/verify').set(admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, firstBrokenSeq: victim.seq });
  });
});
