import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { login } from './support/auth';
import { ROOT } from './support/processes';
import { startTestApp, type TestApp } from './support/test-app';

const COMMAND = join(ROOT, 'dist', 'apps', 'api', 'src', 'cli', 'reset-password.js');

/** `npm run admin:reset-password -- --username NAME` on the running app's Redis and prefix. */
function resetPassword(t: TestApp, args: string[]) {
  return spawnSync(process.execPath, [COMMAND, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES ?? '',
      REDIS_KEY_PREFIX: t.prefix,
    },
  });
}

describe('npm run admin:reset-password', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('prints a new password once, the old one and its sessions stop working, and it is audited', async () => {
    const before = await login(t, t.admin.username, t.admin.password);
    const run = resetPassword(t, ['--username', t.admin.username]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const match = /^New password for "admin": (\S+)$/m.exec(run.stdout);
    expect(match).not.toBeNull();
    const password = (match as RegExpExecArray)[1];
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(run.stdout).toContain('1 session(s) ended');

    const old = await request(t.server)
      .post('/api/v1/auth/login')
      .send({ username: t.admin.username, password: t.admin.password });
    expect(old.status).toBe(401);
    const stale = await request(t.server)
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${before.token}`);
    expect(stale.status).toBe(401);

    const fresh = await login(t, t.admin.username, password);
    const audit = await request(t.server)
      .get('/api/v1/admin/audit')
      .query({ type: 'admin' })
      .set('Authorization', `Bearer ${fresh.token}`);
    expect(audit.status).toBe(200);
    const entries = audit.body.items ?? audit.body.entries ?? audit.body.data;
    expect(entries).toContainEqual(
      expect.objectContaining({
        type: 'admin',
        request: expect.objectContaining({ path: 'admin:reset-password' }),
        details: expect.objectContaining({ action: 'password-reset', username: 'admin' }),
      }),
    );
    // The chain still verifies with the entry in it.
    const verify = await request(t.server)
      .get('/api/v1/admin/audit/verify')
      .set('Authorization', `Bearer ${fresh.token}`);
    expect(verify.body).toMatchObject({ ok: true });
    t.admin.password = password;
  });

  it('an unknown user or no --username: exit 1, one line, nothing changed', () => {
    for (const args of [['--username', 'nobody'], []]) {
      const run = resetPassword(t, args);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^admin:reset-password failed: /);
    }
  });
});
