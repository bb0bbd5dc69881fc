import { ApiKeysService } from '@techsapo/security';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { adminAuth, issueApiKey, signIn } from './support/auth';
import { MAIN, ROOT } from './support/processes';
import { startTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;
const daysAgo = (n: number): string => new Date(Date.now() - n * DAY).toISOString();

/** AU3: the permission review lists a seeded set of users and keys with the right flags. */
describe('permission review', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  /** Moves stored facts into the past, as 40 days of waiting would. */
  async function age(hash: string, id: string, change: Record<string, string>): Promise<void> {
    const key = t.redis.key(t.redis.hashTag(hash.split(':')[0]), hash.split(':')[1]);
    const record = JSON.parse((await t.redis.client.hget(key, id)) as string);
    await t.redis.client.hset(key, id, JSON.stringify({ ...record, ...change }));
  }

  beforeAll(async () => {
    t = await startTestApp();
    const active = await signIn(t, 'analyst');
    const stale = await signIn(t, 'viewer');
    ids.active = active.userId;
    ids.stale = stale.userId;
    await age('users:records', stale.userId, { createdAt: daysAgo(40) });
    await t.redis.client.hset(
      t.redis.key(t.redis.hashTag('users'), 'last-login'),
      stale.userId,
      daysAgo(35),
    );
    await request(t.server).post('/api/v1/auth/logout').set(stale.auth).expect(204);

    const used = await issueApiKey(t, 'ci', 90);
    await request(t.server).get('/api/v1/auth/me').set(used.auth).expect(200);
    ids.used = used.id;
    ids.never = (await issueApiKey(t, 'ci', 90)).id;
    ids.forever = (await issueApiKey(t, 'ci')).id;
    ids.adminKey = (await issueApiKey(t, 'admin', 30)).id;
    const oldUse = await issueApiKey(t, 'ci', 90);
    ids.oldUse = oldUse.id;
    await t.app.get(ApiKeysService).flushLastUse();
    await t.redis.client.hset(
      t.redis.key(t.redis.hashTag('api-keys'), 'last-used'),
      oldUse.id,
      daysAgo(40),
    );
    const expired = await issueApiKey(t, 'ci', 1);
    ids.expired = expired.id;
    await age('api-keys:records', expired.id, { expiresAt: daysAgo(2) });
    await t.app.get(ApiKeysService).flushLastUse();
    // A key whose creator vanished without the admin API (a record removed from Redis).
    const admin2 = await signIn(t, 'admin');
    const orphan = await request(t.server)
      .post('/api/v1/admin/api-keys')
      .set(admin2.auth)
      .send({ name: 'orphan', role: 'ci', expiresInDays: 90 });
    ids.orphan = orphan.body.id;
    await t.redis.client.hdel(t.redis.key(t.redis.hashTag('users'), 'records'), admin2.userId);
  });
  afterAll(() => t.close());

  it('GET /api/v1/admin/review flags admins, inactive users and keys to look at', async () => {
    const res = await request(t.server)
      .get('/api/v1/admin/review')
      .set(await adminAuth(t));
    expect(res.status).toBe(200);
    const user = (id: string) => res.body.users.find((u: { id: string }) => u.id === id);
    const admin = res.body.users.find((u: { username: string }) => u.username === t.admin.username);
    expect(admin).toMatchObject({
      roles: ['admin'],
      flags: ['admin'],
      disabled: false,
      activeSessions: 1,
    });
    expect(admin.lastLoginAt).toEqual(expect.any(String));
    expect(user(ids.active)).toMatchObject({ roles: ['analyst'], flags: [], activeSessions: 1 });
    expect(user(ids.stale)).toMatchObject({ flags: ['inactive-30-days'], activeSessions: 0 });
    const key = (id: string) => res.body.apiKeys.find((k: { id: string }) => k.id === id).flags;
    expect(key(ids.used)).toEqual([]);
    expect(key(ids.never)).toEqual(['never-used']);
    expect(key(ids.forever)).toEqual(['never-used', 'no-expiry']);
    expect(key(ids.adminKey)).toEqual(['admin', 'never-used']);
    expect(key(ids.oldUse)).toEqual(['unused-30-days']);
    expect(key(ids.expired)).toEqual(['never-used', 'expired']);
    expect(key(ids.orphan)).toEqual(['creator-gone', 'never-used']);
    expect(res.body.summary).toEqual({
      users: 3,
      apiKeys: 7,
      flaggedUsers: 2,
      flaggedApiKeys: 6,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/tsk_|password|hash/i);
  });

  it('is for admins only', async () => {
    const analyst = await signIn(t, 'analyst');
    expect((await request(t.server).get('/api/v1/admin/review').set(analyst.auth)).status).toBe(
      403,
    );
    expect((await request(t.server).get('/api/v1/admin/review')).status).toBe(401);
  });

  it('npm run security:review prints the same review', () => {
    const run = (args: string[]) =>
      execFileSync(
        process.execPath,
        [MAIN.replace(/main\.js$/, 'cli/security-review.js'), ...args],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            REDIS_URL: process.env.REDIS_URL,
            REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES,
            REDIS_KEY_PREFIX: t.prefix,
          },
          encoding: 'utf8',
        },
      );
    const text = run([]);
    // The admin test above added an analyst without findings.
    expect(text).toContain('4 users (2 flagged), 7 API keys (6 flagged)');
    const line = (needle: string) => text.split('\n').find((l) => l.includes(needle)) ?? '';
    expect(line(`${t.admin.username} `)).toMatch(/admin\s+no\s+\d{4}-\d\d-\d\d\s+1\s+admin$/);
    const json = JSON.parse(run(['--json']));
    const flags = (id: string) => json.apiKeys.find((k: { id: string }) => k.id === id).flags;
    expect(flags(ids.oldUse)).toEqual(['unused-30-days']);
    expect(flags(ids.expired)).toEqual(['never-used', 'expired']);
    expect(json.users.find((u: { id: string }) => u.id === ids.stale).flags).toEqual([
      'inactive-30-days',
    ]);
    expect(text).toMatch(/API KEY\s+ROLE\s+CREATED\s+EXPIRES\s+LAST USED\s+FLAGS/);
    expect(line('no expiry')).toContain('no-expiry');
  });
});
