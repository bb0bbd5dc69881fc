import request from 'supertest';
import { expectEveryResponseAudited } from './support/audit';
import { adminAuth, issueApiKey, login, signIn } from './support/auth';
import { decodePayload, forgeToken } from './support/forge-token';
import { startTestApp, TestApp } from './support/test-app';

const SECRET = 'e2e-secret-0123456789-abcdefghij-KLMNOP';
const ME = '/api/v1/auth/me';

function expectProblem(res: request.Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, requestId: res.headers['x-request-id'] });
}

function expect401(res: request.Response): void {
  expectProblem(res, 401);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="techsapo"/);
}

describe('authentication (API.md "Authentication")', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ JWT_SECRET: SECRET });
  });
  afterAll(async () => {
    await expectEveryResponseAudited(t);
    await t.close();
  });

  describe('POST /api/v1/auth/login', () => {
    it('answers 200 with accessToken, tokenType, expiresIn and sessionId', async () => {
      const res = await request(t.server)
        .post('/api/v1/auth/login')
        .send({ username: t.admin.username, password: t.admin.password });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/),
        tokenType: 'Bearer',
        expiresIn: 3600,
        sessionId: expect.any(String),
      });
      const claims = decodePayload(res.body.accessToken);
      expect(claims).toMatchObject({
        sid: res.body.sessionId,
        roles: ['admin'],
        iss: 'techsapo',
        aud: 'techsapo-api',
      });
      expect(claims.exp).toBe((claims.iat as number) + 3600);
      expect(claims.nbf).toBe(claims.iat);
      expect(typeof claims.sub).toBe('string');
    });

    it('answers 401 for a wrong password and for an unknown user, alike', async () => {
      const wrong = await request(t.server)
        .post('/api/v1/auth/login')
        .send({ username: t.admin.username, password: 'not-the-password' });
      const unknown = await request(t.server)
        .post('/api/v1/auth/login')
        .send({ username: 'nobody-here', password: 'not-the-password' });
      expectProblem(wrong, 401);
      expectProblem(unknown, 401);
      expect(wrong.body.detail).toBe(unknown.body.detail);
    });

    it('answers 403 with the reason to a blocked user, and ends none of their sessions', async () => {
      const user = await signIn(t, 'analyst');
      const block = await request(t.server)
        .post('/api/v1/admin/blocks')
        .set(await adminAuth(t))
        .send({ kind: 'user', value: user.userId, reason: 'under investigation', ttlSeconds: 600 });
      expect(block.status).toBe(201);
      const res = await request(t.server)
        .post('/api/v1/auth/login')
        .send({ username: user.username, password: user.password });
      expectProblem(res, 403);
      expect(res.body).toMatchObject({
        type: 'https://techsapo.dev/problems/blocked',
        block: { kind: 'user', reason: 'under investigation' },
      });
      expect(res.body.detail).toContain('under investigation');
      const sessions = await request(t.server)
        .get(`/api/v1/admin/sessions?userId=${user.userId}`)
        .set(await adminAuth(t));
      expect(sessions.body.items.map((s: { id: string }) => s.id)).toEqual([user.sessionId]);
    });

    it('answers 401 for a disabled user with the right password', async () => {
      const user = await signIn(t, 'viewer');
      await request(t.server)
        .patch(`/api/v1/admin/users/${user.userId}`)
        .set(await adminAuth(t))
        .send({ disabled: true })
        .expect(200);
      expectProblem(
        await request(t.server)
          .post('/api/v1/auth/login')
          .send({ username: user.username, password: user.password }),
        401,
      );
    });

    it('refuses a non-JSON body with 415 problem+json', async () => {
      const plain = await request(t.server)
        .post('/api/v1/auth/login')
        .set('Content-Type', 'text/plain')
        .send(`username=${t.admin.username}&password=${t.admin.password}`);
      expectProblem(plain, 415);
      const form = await request(t.server)
        .post('/api/v1/auth/login')
        .type('form')
        .send({ username: t.admin.username, password: t.admin.password });
      expectProblem(form, 415);
    });

    it('refuses unknown body properties and missing fields with 400 and field errors', async () => {
      const extra = await request(t.server)
        .post('/api/v1/auth/login')
        .send({ username: t.admin.username, password: t.admin.password, roles: ['admin'] });
      expectProblem(extra, 400);
      expect(extra.body.errors).toEqual([{ field: 'roles', message: 'is not a known property' }]);
      const missing = await request(t.server).post('/api/v1/auth/login').send({ username: 'x' });
      expectProblem(missing, 400);
      expect(missing.body.errors.map((e: { field: string }) => e.field)).toContain('password');
    });
  });

  describe('POST /api/v1/auth/refresh', () => {
    it('answers 200 with a new session; the old session and token stop working', async () => {
      const user = await signIn(t, 'analyst');
      const res = await request(t.server).post('/api/v1/auth/refresh').set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: expect.any(Number),
        sessionId: expect.any(String),
      });
      expect(res.body.sessionId).not.toBe(user.sessionId);
      expect(res.body.accessToken).not.toBe(user.token);
      expect401(await request(t.server).get(ME).set(user.auth));
      const me = await request(t.server)
        .get(ME)
        .set('Authorization', `Bearer ${res.body.accessToken}`);
      expect(me.status).toBe(200);
      expect(me.body.sessionId).toBe(res.body.sessionId);
      const sessions = await request(t.server)
        .get(`/api/v1/admin/sessions?userId=${user.userId}`)
        .set(await adminAuth(t));
      expect(sessions.body.items.map((s: { id: string }) => s.id)).toEqual([res.body.sessionId]);
    });

    it('keeps the absolute end of the session it rotates', async () => {
      const user = await signIn(t, 'analyst');
      const before = await request(t.server)
        .get(`/api/v1/admin/sessions?userId=${user.userId}`)
        .set(await adminAuth(t));
      const refreshed = await request(t.server).post('/api/v1/auth/refresh').set(user.auth);
      const after = await request(t.server)
        .get(`/api/v1/admin/sessions?userId=${user.userId}`)
        .set(await adminAuth(t));
      expect(after.body.items[0].id).toBe(refreshed.body.sessionId);
      expect(after.body.items[0].expiresAt).toBe(before.body.items[0].expiresAt);
    });

    it('lets exactly one of parallel refreshes with one token win; the others are 401 session-ended', async () => {
      for (let trial = 0; trial < 5; trial += 1) {
        const user = await signIn(t, 'analyst');
        const answers = await Promise.all(
          Array.from({ length: 6 }, () =>
            request(t.server).post('/api/v1/auth/refresh').set(user.auth),
          ),
        );
        const winners = answers.filter((r) => r.status === 200);
        expect(answers.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
        for (const loser of answers.filter((r) => r.status === 401)) {
          expect(loser.body.type).toBe('https://techsapo.dev/problems/unauthenticated');
          expect(loser.headers['www-authenticate']).toMatch(/session of this token has ended/);
        }
        const sessions = await request(t.server)
          .get(`/api/v1/admin/sessions?userId=${user.userId}`)
          .set(await adminAuth(t));
        expect(sessions.body.items.map((s: { id: string }) => s.id)).toEqual([
          winners[0].body.sessionId,
        ]);
      }
    });

    it('is refused for an API key (no session) and without credentials', async () => {
      const key = await issueApiKey(t, 'ci');
      expectProblem(await request(t.server).post('/api/v1/auth/refresh').set(key.auth), 403);
      expect401(await request(t.server).post('/api/v1/auth/refresh'));
    });
  });

  describe('POST /api/v1/auth/logout', () => {
    it('answers 204 and the token stops working', async () => {
      const user = await signIn(t, 'viewer');
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(200);
      const res = await request(t.server).post('/api/v1/auth/logout').set(user.auth);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect401(await request(t.server).get(ME).set(user.auth));
    });
  });

  describe('GET /api/v1/auth/me', () => {
    it('describes a session principal', async () => {
      const user = await signIn(t, 'analyst');
      const res = await request(t.server).get(ME).set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: user.userId,
        username: user.username,
        roles: ['analyst'],
        sessionId: user.sessionId,
        method: 'jwt',
      });
    });

    it('describes an API key principal, by Bearer and by X-API-Key', async () => {
      const key = await issueApiKey(t, 'ci');
      expect(key.key).toMatch(/^tsk_[A-Za-z0-9_-]{43,}$/);
      const bearer = await request(t.server).get(ME).set(key.auth);
      expect(bearer.status).toBe(200);
      expect(bearer.body).toMatchObject({
        id: key.id,
        apiKeyId: key.id,
        roles: ['ci'],
        method: 'api-key',
      });
      expect(bearer.body.sessionId).toBeUndefined();
      const header = await request(t.server).get(ME).set('X-API-Key', key.key);
      expect(header.status).toBe(200);
      expect(header.body.apiKeyId).toBe(key.id);
    });

    it('refuses two credentials at once, even when one of them is valid', async () => {
      const key = await issueApiKey(t, 'ci');
      const user = await signIn(t, 'viewer');
      const invalidBearer = await request(t.server)
        .get(ME)
        .set('Authorization', 'Bearer not-a-token')
        .set('X-API-Key', key.key);
      expect401(invalidBearer);
      const bothValid = await request(t.server).get(ME).set(user.auth).set('X-API-Key', key.key);
      expect401(bothValid);
    });

    it('answers 401 with WWW-Authenticate without credentials or with malformed ones', async () => {
      expect401(await request(t.server).get(ME));
      expect401(await request(t.server).get(ME).set('Authorization', 'Bearer'));
      expect401(await request(t.server).get(ME).set('Authorization', 'Token abc'));
      expect401(await request(t.server).get(ME).set('X-API-Key', 'not-a-key'));
    });

    it('refuses Basic credentials unless AUTH_METHOD=basic', async () => {
      const basic = Buffer.from(`${t.admin.username}:${t.admin.password}`).toString('base64');
      expect401(await request(t.server).get(ME).set('Authorization', `Basic ${basic}`));
    });
  });

  describe('sessions', () => {
    it('ends the oldest session at the 6th login', async () => {
      const user = await signIn(t, 'viewer');
      const later = [];
      for (let i = 0; i < 5; i += 1) later.push(await login(t, user.username, user.password));
      expect401(await request(t.server).get(ME).set(user.auth));
      for (const l of later) {
        const res = await request(t.server).get(ME).set('Authorization', `Bearer ${l.token}`);
        expect(res.status).toBe(200);
      }
      const sessions = await request(t.server)
        .get(`/api/v1/admin/sessions?userId=${user.userId}`)
        .set(await adminAuth(t));
      expect(sessions.body.items).toHaveLength(5);
      expect(sessions.body.items.map((s: { id: string }) => s.id)).not.toContain(user.sessionId);
    });

    it('stops a token after the admin ends its session', async () => {
      const user = await signIn(t, 'analyst');
      await request(t.server)
        .delete(`/api/v1/admin/sessions/${user.sessionId}`)
        .set(await adminAuth(t))
        .expect(204);
      expect401(await request(t.server).get(ME).set(user.auth));
    });

    it('stops a token after its user is disabled', async () => {
      const user = await signIn(t, 'analyst');
      await request(t.server)
        .patch(`/api/v1/admin/users/${user.userId}`)
        .set(await adminAuth(t))
        .send({ disabled: true })
        .expect(200);
      expect401(await request(t.server).get(ME).set(user.auth));
    });

    it('keeps permissions [read, analyze] and securityLevel restricted in the session data', async () => {
      const user = await signIn(t, 'analyst');
      const res = await request(t.server)
        .get(`/api/v1/admin/sessions?userId=${user.userId}`)
        .set(await adminAuth(t));
      expect(res.body.items[0]).toMatchObject({
        permissions: ['read', 'analyze'],
        securityLevel: 'restricted',
      });
      const stored = await t.redis.client.hgetall(
        t.redis.key('u', t.redis.hashTag(user.userId), 'session', user.sessionId),
      );
      expect(JSON.parse(stored.permissions)).toEqual(['read', 'analyze']);
      expect(stored.securityLevel).toBe('restricted');
    });
  });

  describe('forged and invalid tokens', () => {
    let user: Awaited<ReturnType<typeof signIn>>;
    let claims: Record<string, unknown>;
    beforeAll(async () => {
      user = await signIn(t, 'viewer');
      claims = decodePayload(user.token);
    });
    const now = (): number => Math.floor(Date.now() / 1000);
    const send = (token: string) =>
      request(t.server).get(ME).set('Authorization', `Bearer ${token}`);

    it('accepts the genuine token (the forgeries below differ only where named)', async () => {
      const same = forgeToken({ alg: 'HS256', typ: 'JWT' }, claims, SECRET);
      expect((await send(same)).status).toBe(200);
    });

    it('refuses alg none', async () => {
      expect401(await send(forgeToken({ alg: 'none', typ: 'JWT' }, claims)));
      expect401(await send(forgeToken({ alg: 'none', typ: 'JWT' }, claims).slice(0, -1)));
    });

    it('refuses a token signed with another key', async () => {
      expect401(await send(forgeToken({ alg: 'HS256', typ: 'JWT' }, claims, `${SECRET}-other`)));
    });

    it('refuses a tampered payload', async () => {
      const [h, , s] = user.token.split('.');
      const payload = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
        'base64url',
      );
      expect401(await send(`${h}.${payload}.${s}`));
    });

    it('refuses an expired token, naming the reason', async () => {
      const expired = forgeToken(
        { alg: 'HS256', typ: 'JWT' },
        { ...claims, iat: now() - 7200, nbf: now() - 7200, exp: now() - 60 },
        SECRET,
      );
      const res = await send(expired);
      expect401(res);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(res.body.detail).toMatch(/expired/);
    });

    it('refuses a well-signed token without an expiry', async () => {
      const { exp: _exp, ...forever } = claims;
      const res = await send(forgeToken({ alg: 'HS256', typ: 'JWT' }, forever, SECRET));
      expect401(res);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('refuses a token that is not valid yet', async () => {
      const early = forgeToken(
        { alg: 'HS256', typ: 'JWT' },
        { ...claims, nbf: now() + 600, exp: now() + 1200 },
        SECRET,
      );
      expect401(await send(early));
    });

    it('refuses a wrong issuer or audience', async () => {
      expect401(
        await send(forgeToken({ alg: 'HS256' }, { ...claims, iss: 'someone-else' }, SECRET)),
      );
      expect401(
        await send(forgeToken({ alg: 'HS256' }, { ...claims, aud: 'another-api' }, SECRET)),
      );
    });

    it('refuses a well-signed token of an unknown session or of another user', async () => {
      expect401(
        await send(forgeToken({ alg: 'HS256' }, { ...claims, sid: 'no-such-session' }, SECRET)),
      );
      expect401(
        await send(forgeToken({ alg: 'HS256' }, { ...claims, sub: 'another-user' }, SECRET)),
      );
    });

    it('refuses another algorithm of the same family (HS512)', async () => {
      const [, payload] = forgeToken({ alg: 'HS256' }, claims, SECRET).split('.');
      expect(payload).toBeDefined();
      expect401(await send(forgeToken({ alg: 'HS512', typ: 'JWT' }, claims, SECRET)));
    });

    it('counts failures in techsapo_auth_attempts_total and the security violations', async () => {
      const metrics = await request(t.server).get('/metrics');
      expect(metrics.text).toMatch(
        /techsapo_auth_attempts_total\{result="failure",method="jwt"\} [1-9]/,
      );
      expect(metrics.text).toMatch(
        /techsapo_auth_attempts_total\{result="success",method="login"\} [1-9]/,
      );
      expect(metrics.text).toMatch(
        /techsapo_security_violations_total\{type="invalid_token",severity="low"\} [1-9]/,
      );
      expect(metrics.text).toMatch(/techsapo_active_sessions [1-9]/);
    });
  });

  describe('API keys', () => {
    it('stop working at once when revoked', async () => {
      const key = await issueApiKey(t, 'ci');
      expect((await request(t.server).get(ME).set(key.auth)).status).toBe(200);
      await request(t.server)
        .delete(`/api/v1/admin/api-keys/${key.id}`)
        .set(await adminAuth(t))
        .expect(204);
      expect401(await request(t.server).get(ME).set(key.auth));
      expect401(await request(t.server).get(ME).set('X-API-Key', key.key));
    });

    it('stop working when expired', async () => {
      const key = await issueApiKey(t, 'ci', 1);
      expect((await request(t.server).get(ME).set(key.auth)).status).toBe(200);
      // Expiry is a stored instant: move it into the past as time would.
      const hash = (await import('node:crypto')).createHash('sha256').update(key.key).digest('hex');
      const lookup = t.redis.key('api-key', hash);
      const stored = JSON.parse((await t.redis.client.get(lookup)) as string);
      await t.redis.client.set(lookup, JSON.stringify({ ...stored, expiresAt: Date.now() - 1000 }));
      expect401(await request(t.server).get(ME).set(key.auth));
    });

    it('refuse unknown keys of the right shape', async () => {
      expect401(
        await request(t.server)
          .get(ME)
          .set('X-API-Key', `tsk_${'A'.repeat(43)}`),
      );
    });
  });
});
