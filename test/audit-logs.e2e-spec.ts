import { randomBytes } from 'node:crypto';
import { freePort, startService, waitForHttp } from './support/processes';

/**
 * The built service as a real process with info logs: whatever passes through it (passwords,
 * JWTs, API keys, client addresses), none of it appears in a log line or in the audit export.
 */
describe('secrets in logs and the audit export', () => {
  it('never shows a password, token, API key or full client address', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const adminPassword = `admin-${randomBytes(12).toString('hex')}`;
    const service = startService({
      PORT: String(port),
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      REDIS_KEY_PREFIX: `logs${port}${randomBytes(3).toString('hex')}`,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: adminPassword,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      AUDIT_FLUSH_INTERVAL_MS: '20',
    });
    const secrets = [adminPassword, 'a-wrong-password-guess'];
    try {
      await waitForHttp(`${base}/health/ready`);
      const json = { 'Content-Type': 'application/json' };
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username: 'admin', password: adminPassword }),
      });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      secrets.push(accessToken);
      const auth = { Authorization: `Bearer ${accessToken}` };
      const failed = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username: 'admin', password: 'a-wrong-password-guess' }),
      });
      expect(failed.status).toBe(401);
      const created = await fetch(`${base}/api/v1/admin/api-keys`, {
        method: 'POST',
        headers: { ...json, ...auth },
        body: JSON.stringify({ name: 'ci', role: 'ci' }),
      });
      expect(created.status).toBe(201);
      const { key } = (await created.json()) as { key: string };
      secrets.push(key);
      expect(
        (await fetch(`${base}/api/v1/auth/me`, { headers: { 'X-API-Key': key } })).status,
      ).toBe(200);
      expect(
        (
          await fetch(`${base}/api/v1/auth/me?token=${accessToken}`, {
            headers: { Authorization: `Bearer ${key}` },
          })
        ).status,
      ).toBe(200);
      // The export reads what was written; wait until the calls above are all in it.
      let lines: string[] = [];
      for (let i = 0; i < 100 && lines.length < 5; i += 1) {
        const exported = await fetch(`${base}/api/v1/admin/audit/export`, { headers: auth });
        expect(exported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
        lines = (await exported.text()).split('\n').filter(Boolean);
        if (lines.length < 5) await new Promise((r) => setTimeout(r, 50));
      }
      expect(lines.length).toBeGreaterThanOrEqual(5);
      const exportText = lines.join('\n');
      for (const secret of secrets) expect(exportText).not.toContain(secret);
      expect(exportText).not.toMatch(/127\.0\.0\.1\b/);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      const output = service.output();
      expect(output).toContain('"requestId"');
      for (const secret of secrets) expect(output).not.toContain(secret);
      expect(output).not.toMatch(/"(ip|remoteAddress|ip_address)":"127\.0\.0\.1"/);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
