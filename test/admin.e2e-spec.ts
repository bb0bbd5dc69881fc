import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { auditEntries, expectEveryResponseAudited } from './support/audit';
import { adminAuth, issueApiKey, login, signIn, SignedIn } from './support/auth';
import { startTestApp, TestApp } from './support/test-app';

const ME = '/api/v1/auth/me';
const ADMIN_ENDPOINTS: [method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string][] = [
  ['post', '/api/v1/admin/users'],
  ['get', '/api/v1/admin/users'],
  ['patch', '/api/v1/admin/users/x'],
  ['delete', '/api/v1/admin/users/x'],
  ['delete', '/api/v1/admin/users/x/sessions'],
  ['post', '/api/v1/admin/api-keys'],
  ['get', '/api/v1/admin/api-keys'],
  ['delete', '/api/v1/admin/api-keys/x'],
  ['get', '/api/v1/admin/sessions'],
  ['delete', '/api/v1/admin/sessions/x'],
  ['get', '/api/v1/admin/blocks'],
  ['post', '/api/v1/admin/blocks'],
  ['delete', '/api/v1/admin/blocks/x'],
  ['get', '/api/v1/admin/budgets'],
  ['put', '/api/v1/admin/budgets/users/x'],
  ['put', '/api/v1/admin/budgets/api-keys/x'],
  ['get', '/api/v1/admin/usage'],
];

describe('administration (API.md "Administration")', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'true' });
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await expectEveryResponseAudited(t);
    await t.close();
  });

  describe('users', () => {
    it('POST creates a user: 201 { id, username, roles, createdAt }, never password data', async () => {
      const res = await request(t.server)
        .post('/api/v1/admin/users')
        .set(admin)
        .send({ username: 'carol', password: 'carol-password-1', roles: ['analyst', 'viewer'] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        username: 'carol',
        roles: ['analyst', 'viewer'],
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        disabled: false,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash|scrypt/i);
      const dup = await request(t.server)
        .post('/api/v1/admin/users')
        .set(admin)
        .send({ username: 'CAROL', password: 'another-password', roles: ['viewer'] });
      expect(dup.status).toBe(409);
    });

    it('POST refuses invalid input with field errors', async () => {
      const res = await request(t.server)
        .post('/api/v1/admin/users')
        .set(admin)
        .send({ username: 'x', password: 'short', roles: ['root'], extra: true });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'extra',
        'password',
        'roles',
        'username',
      ]);
    });

    it('GET lists users without password data', async () => {
      const res = await request(t.server).get('/api/v1/admin/users').set(admin);
      expect(res.status).toBe(200);
      expect(res.body.items.map((u: { username: string }) => u.username)).toEqual(
        expect.arrayContaining(['admin', 'carol']),
      );
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash|scrypt\$/i);
      const stored = await t.redis.client.hvals(t.redis.key(t.redis.hashTag('users'), 'records'));
      expect(stored.join()).toMatch(/scrypt\$16384\$8\$1\$/);
    });

    it('PATCH changes roles (in force for live sessions) and answers the user', async () => {
      const user = await signIn(t, 'viewer');
      const res = await request(t.server)
        .patch(`/api/v1/admin/users/${user.userId}`)
        .set(admin)
        .send({ roles: ['analyst'] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: user.userId, roles: ['analyst'], disabled: false });
      expect((await request(t.server).get(ME).set(user.auth)).body.roles).toEqual(['analyst']);
    });

    it('PATCH disabled ends the sessions; 404 for an unknown user', async () => {
      const user = await signIn(t, 'viewer');
      const res = await request(t.server)
        .patch(`/api/v1/admin/users/${user.userId}`)
        .set(admin)
        .send({ disabled: true });
      expect(res.body.disabled).toBe(true);
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(401);
      const listed = await request(t.server)
        .get(`/api/v1/admin/sessions?userId=${user.userId}`)
        .set(admin);
      expect(listed.body.items).toEqual([]);
      const unknown = await request(t.server)
        .patch(`/api/v1/admin/users/${randomUUID()}`)
        .set(admin)
        .send({ disabled: true });
      expect(unknown.status).toBe(404);
    });

    it('DELETE answers 204, ends the sessions and frees the name; 404 after', async () => {
      const user = await signIn(t, 'analyst');
      const res = await request(t.server).delete(`/api/v1/admin/users/${user.userId}`).set(admin);
      expect(res.status).toBe(204);
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(401);
      expect(
        (await request(t.server).delete(`/api/v1/admin/users/${user.userId}`).set(admin)).status,
      ).toBe(404);
      const again = await request(t.server)
        .post('/api/v1/admin/users')
        .set(admin)
        .send({ username: user.username, password: user.password, roles: ['viewer'] });
      expect(again.status).toBe(201);
    });

    it('refuses to lock the acting admin out', async () => {
      const me = await request(t.server).get(ME).set(admin);
      const res = await request(t.server)
        .patch(`/api/v1/admin/users/${me.body.id}`)
        .set(admin)
        .send({ disabled: true });
      expect(res.status).toBe(409);
      expect(
        (await request(t.server).delete(`/api/v1/admin/users/${me.body.id}`).set(admin)).status,
      ).toBe(409);
    });
  });

  describe('API keys', () => {
    it('POST answers 201 { id, name, role, key, createdAt, expiresAt } with the key shown once', async () => {
      const res = await request(t.server)
        .post('/api/v1/admin/api-keys')
        .set(admin)
        .send({ name: 'ci-main', role: 'ci', expiresInDays: 30 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        name: 'ci-main',
        role: 'ci',
        key: expect.stringMatching(/^tsk_[A-Za-z0-9_-]{43}$/),
        createdAt: expect.any(String),
      });
      const days = (Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)) / 86_400_000;
      expect(days).toBe(30);
      const forever = await request(t.server)
        .post('/api/v1/admin/api-keys')
        .set(admin)
        .send({ name: 'ci-forever', role: 'ci' });
      expect(forever.body.expiresAt).toBeNull();
      const list = await request(t.server).get('/api/v1/admin/api-keys').set(admin);
      expect(list.status).toBe(200);
      expect(list.body.items.map((k: { id: string }) => k.id)).toEqual(
        expect.arrayContaining([res.body.id, forever.body.id]),
      );
      expect(JSON.stringify(list.body)).not.toContain(res.body.key);
      expect(JSON.stringify(list.body)).not.toMatch(/"key"|"hash"|tsk_/);
    });

    it('stores only the SHA-256 of a key', async () => {
      const key = await issueApiKey(t, 'ci');
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await t.redis.client.scan(
          cursor,
          'MATCH',
          `${t.prefix}*`,
          'COUNT',
          500,
        );
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
      for (const k of keys) {
        const type = await t.redis.client.type(k);
        const value =
          type === 'string'
            ? await t.redis.client.get(k)
            : type === 'hash'
              ? JSON.stringify(await t.redis.client.hgetall(k))
              : '';
        expect(`${k} ${value}`).not.toContain(key.key.slice(4));
      }
    });

    it('POST refuses an unknown role and a bad expiry', async () => {
      const res = await request(t.server)
        .post('/api/v1/admin/api-keys')
        .set(admin)
        .send({ name: 'x', role: 'root', expiresInDays: 0 });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'expiresInDays',
        'role',
      ]);
    });

    it('records last use, off the request path', async () => {
      const key = await issueApiKey(t, 'ci');
      await request(t.server).get(ME).set(key.auth).expect(200);
      const list = await request(t.server).get('/api/v1/admin/api-keys').set(admin);
      const listed = list.body.items.find((k: { id: string }) => k.id === key.id);
      expect(listed.lastUsedAt).toEqual(expect.any(String));
    });

    it('DELETE answers 204 and the key stops working; 404 for an unknown key', async () => {
      const key = await issueApiKey(t, 'analyst');
      expect(
        (await request(t.server).delete(`/api/v1/admin/api-keys/${key.id}`).set(admin)).status,
      ).toBe(204);
      expect((await request(t.server).get(ME).set(key.auth)).status).toBe(401);
      expect(
        (await request(t.server).delete(`/api/v1/admin/api-keys/${key.id}`).set(admin)).status,
      ).toBe(404);
    });
  });

  describe('API keys belong to their creator', () => {
    /** A second admin and a key of `role` created with that admin's own token. */
    async function keyOfSecondAdmin(
      role: string,
    ): Promise<{ admin2: SignedIn; key: { id: string; key: string } }> {
      const admin2 = await signIn(t, 'admin');
      const res = await request(t.server)
        .post('/api/v1/admin/api-keys')
        .set(admin2.auth)
        .send({ name: 'admin', role });
      expect(res.status).toBe(201);
      expect(res.body.createdBy).toBe(admin2.userId);
      return { admin2, key: res.body };
    }
    const asKey = (key: string) => ({ Authorization: `Bearer ${key}` });

    it('acts as api-key:<name> with its id, never as a bare name', async () => {
      const { key } = await keyOfSecondAdmin('admin');
      const me = await request(t.server).get(ME).set(asKey(key.key));
      expect(me.body).toMatchObject({ id: key.id, username: 'api-key:admin', apiKeyId: key.id });
      const entries = await auditEntries(t);
      const entry = entries.find((e) => e.request.id === me.headers['x-request-id']);
      expect(entry?.actor).toMatchObject({
        id: key.id,
        username: 'api-key:admin',
        apiKeyId: key.id,
      });
    });

    it('is revoked when its creator is deleted or disabled', async () => {
      const deleted = await keyOfSecondAdmin('admin');
      expect((await request(t.server).get(ME).set(asKey(deleted.key.key))).status).toBe(200);
      expect(
        (await request(t.server).delete(`/api/v1/admin/users/${deleted.admin2.userId}`).set(admin))
          .status,
      ).toBe(204);
      expect((await request(t.server).get(ME).set(asKey(deleted.key.key))).status).toBe(401);
      const disabled = await keyOfSecondAdmin('ci');
      await request(t.server)
        .patch(`/api/v1/admin/users/${disabled.admin2.userId}`)
        .set(admin)
        .send({ disabled: true })
        .expect(200);
      expect((await request(t.server).get(ME).set(asKey(disabled.key.key))).status).toBe(401);
      const list = await request(t.server).get('/api/v1/admin/api-keys').set(admin);
      const ids = list.body.items.map((k: { id: string }) => k.id);
      expect(ids).not.toContain(deleted.key.id);
      expect(ids).not.toContain(disabled.key.id);
    });

    it('is suspended while its creator lacks its role, and reinstated when they regain it', async () => {
      const { admin2, key } = await keyOfSecondAdmin('admin');
      const analystKey = await request(t.server)
        .post('/api/v1/admin/api-keys')
        .set(admin2.auth)
        .send({ name: 'analyst-of-admin2', role: 'analyst' });
      expect(analystKey.status).toBe(201);
      const demote = (roles: string[]) =>
        request(t.server)
          .patch(`/api/v1/admin/users/${admin2.userId}`)
          .set(admin)
          .send({ roles })
          .expect(200);
      await demote(['analyst']);
      const refused = await request(t.server).get(ME).set(asKey(key.key));
      expect(refused.status).toBe(401);
      expect((await request(t.server).get(ME).set(asKey(analystKey.body.key))).status).toBe(200);
      const listed = (await request(t.server).get('/api/v1/admin/api-keys').set(admin)).body.items;
      expect(listed.find((k: { id: string }) => k.id === key.id)).toMatchObject({
        suspended: true,
      });
      await demote(['admin']);
      expect((await request(t.server).get(ME).set(asKey(key.key))).status).toBe(200);
    });
  });

  describe('sessions', () => {
    it('GET lists sessions with masked ip and userAgent; ?userId= filters', async () => {
      const user = await signIn(t, 'analyst');
      const all = await request(t.server).get('/api/v1/admin/sessions').set(admin);
      expect(all.status).toBe(200);
      expect(all.body.items.map((s: { id: string }) => s.id)).toContain(user.sessionId);
      const mine = await request(t.server)
        .get(`/api/v1/admin/sessions?userId=${user.userId}`)
        .set(admin);
      expect(mine.body.items).toEqual([
        {
          id: user.sessionId,
          userId: user.userId,
          username: user.username,
          roles: ['analyst'],
          permissions: ['read', 'analyze'],
          securityLevel: 'restricted',
          createdAt: expect.any(String),
          lastSeenAt: expect.any(String),
          expiresAt: expect.any(String),
          ip: '127.0.0.***',
          userAgent: expect.stringMatching(/\*\*\*$/),
        },
      ]);
    });

    it('masks the address and agent the session was created from', async () => {
      const user = await signIn(t, 'viewer');
      const res = await request(t.server)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '198.51.100.23')
        .set('User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0')
        .send({ username: user.username, password: user.password });
      const list = await request(t.server)
        .get(`/api/v1/admin/sessions?userId=${user.userId}`)
        .set(admin);
      const session = list.body.items.find((s: { id: string }) => s.id === res.body.sessionId);
      expect(session).toMatchObject({ ip: '198.51.100.***', userAgent: 'Mozilla/***' });
      expect(JSON.stringify(list.body)).not.toContain('198.51.100.23');
    });

    it('DELETE answers 204 and the token stops working; 404 if unknown', async () => {
      const user = await signIn(t, 'viewer');
      expect(
        (await request(t.server).delete(`/api/v1/admin/sessions/${user.sessionId}`).set(admin))
          .status,
      ).toBe(204);
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(401);
      expect(
        (await request(t.server).delete(`/api/v1/admin/sessions/${user.sessionId}`).set(admin))
          .status,
      ).toBe(404);
      expect(
        (
          await request(t.server)
            .delete(`/api/v1/admin/sessions/${'u'.repeat(24)}`)
            .set(admin)
        ).status,
      ).toBe(404);
    });

    it("DELETE /users/:id/sessions ends all of that user's sessions", async () => {
      const user = await signIn(t, 'analyst');
      const second = await login(t, user.username, user.password);
      const res = await request(t.server)
        .delete(`/api/v1/admin/users/${user.userId}/sessions`)
        .set(admin);
      expect(res.status).toBe(204);
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(401);
      expect(
        (await request(t.server).get(ME).set('Authorization', `Bearer ${second.token}`)).status,
      ).toBe(401);
      expect(
        (await request(t.server).delete(`/api/v1/admin/users/${randomUUID()}/sessions`).set(admin))
          .status,
      ).toBe(404);
    });
  });

  describe('ids in the path', () => {
    const MALFORMED: [method: 'get' | 'patch' | 'put' | 'delete', path: string][] = [
      ['patch', '/api/v1/admin/users/nope'],
      ['delete', '/api/v1/admin/users/nope'],
      ['delete', '/api/v1/admin/users/nope/sessions'],
      ['delete', '/api/v1/admin/api-keys/nope'],
      ['delete', '/api/v1/admin/sessions/s-123'],
      ['delete', '/api/v1/admin/blocks/nope'],
      ['put', '/api/v1/admin/budgets/users/nope'],
      ['put', '/api/v1/admin/budgets/api-keys/nope'],
      ['get', '/api/v1/analyses/nope'],
      ['get', '/api/v1/analyses/nope/events'],
      ['delete', '/api/v1/analyses/nope'],
    ];

    it.each(MALFORMED)(
      '%s %s: a malformed id is a problem+json 400 naming the id',
      async (method, path) => {
        const res = await request(t.server)[method](path).set(admin).send({ dailyUsd: 1 });
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          status: 400,
          type: expect.stringMatching(/\/validation-failed$/),
        });
        expect(res.body.errors).toEqual([
          { field: 'id', message: expect.stringMatching(/^must be a/) },
        ]);
      },
    );
  });

  describe('blocks', () => {
    it('an ip block answers 403 to that address, lists, and lifts', async () => {
      const created = await request(t.server)
        .post('/api/v1/admin/blocks')
        .set(admin)
        .send({ kind: 'ip', value: '203.0.113.9', reason: 'stuffing', ttlSeconds: 600 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.any(String),
        kind: 'ip',
        value: '203.0.113.9',
        reason: 'stuffing',
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
      });
      expect(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)).toBe(600_000);
      const blocked = await request(t.server)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '203.0.113.9')
        .send({ username: t.admin.username, password: t.admin.password });
      expect(blocked.status).toBe(403);
      expect(blocked.headers['content-type']).toMatch(/problem\+json/);
      const other = await request(t.server)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '203.0.113.10')
        .send({ username: t.admin.username, password: t.admin.password });
      expect(other.status).toBe(200);
      const list = await request(t.server).get('/api/v1/admin/blocks').set(admin);
      expect(list.status).toBe(200);
      expect(list.body.items.map((b: { id: string }) => b.id)).toContain(created.body.id);
      expect(
        (await request(t.server).delete(`/api/v1/admin/blocks/${created.body.id}`).set(admin))
          .status,
      ).toBe(204);
      const after = await request(t.server)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '203.0.113.9')
        .send({ username: t.admin.username, password: t.admin.password });
      expect(after.status).toBe(200);
      expect(
        (await request(t.server).delete(`/api/v1/admin/blocks/${created.body.id}`).set(admin))
          .status,
      ).toBe(404);
    });

    it('a user block answers 403 to every session of the user', async () => {
      const user = await signIn(t, 'analyst');
      await request(t.server)
        .post('/api/v1/admin/blocks')
        .set(admin)
        .send({ kind: 'user', value: user.userId, reason: 'investigation', ttlSeconds: 600 })
        .expect(201);
      const res = await request(t.server).get(ME).set(user.auth);
      expect(res.status).toBe(403);
      expect(res.body.type).toMatch(/\/blocked$/);
    });

    it('a session block answers 403 to that session only, until its TTL ends', async () => {
      const user = await signIn(t, 'analyst');
      const other = await login(t, user.username, user.password);
      await request(t.server)
        .post('/api/v1/admin/blocks')
        .set(admin)
        .send({ kind: 'session', value: user.sessionId, reason: 'stolen token', ttlSeconds: 1 })
        .expect(201);
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(403);
      expect(
        (await request(t.server).get(ME).set('Authorization', `Bearer ${other.token}`)).status,
      ).toBe(200);
      await new Promise((r) => setTimeout(r, 1200));
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(200);
      const list = await request(t.server).get('/api/v1/admin/blocks').set(admin);
      expect(list.body.items.map((b: { value: string }) => b.value)).not.toContain(user.sessionId);
    });

    it('POST refuses an unknown kind, a non-address ip value and a bad TTL', async () => {
      const res = await request(t.server)
        .post('/api/v1/admin/blocks')
        .set(admin)
        .send({ kind: 'planet', value: 'x', reason: '', ttlSeconds: 0 });
      expect(res.status).toBe(400);
      const ip = await request(t.server)
        .post('/api/v1/admin/blocks')
        .set(admin)
        .send({ kind: 'ip', value: 'not-an-ip', reason: 'r', ttlSeconds: 60 });
      expect(ip.status).toBe(400);
      expect(ip.body.errors).toEqual([
        { field: 'value', message: 'must be an IP address for kind "ip"' },
      ]);
    });
  });

  describe('access', () => {
    it.each(['viewer', 'analyst', 'ci'] as const)(
      'answers 403 to %s on every admin endpoint',
      async (role) => {
        const principal = role === 'ci' ? await issueApiKey(t, 'ci') : await signIn(t, role);
        for (const [method, path] of ADMIN_ENDPOINTS) {
          const res = await request(t.server)[method](path).set(principal.auth).send({});
          expect([method, path, res.status]).toEqual([method, path, 403]);
        }
      },
    );

    it('answers 401 with WWW-Authenticate on every admin endpoint without credentials', async () => {
      for (const [method, path] of ADMIN_ENDPOINTS) {
        const res = await request(t.server)[method](path).send({});
        expect([method, path, res.status]).toEqual([method, path, 401]);
        expect(res.headers['www-authenticate']).toContain('Bearer');
      }
    });
  });
});
