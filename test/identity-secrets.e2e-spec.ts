import { createHash, randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { freePort, RunningProcess, startService, waitForHttp } from './support/processes';

/**
 * DP3 for identity: no password, hash, token or API key reaches a log line of the real
 * process (debug level), nor any response but the one that issues it.
 */
describe('identity secrets stay out of logs and other responses', () => {
  const prefix = `secrets${randomBytes(3).toString('hex')}`;
  const adminPassword = `admin-pw-${randomBytes(10).toString('hex')}`;
  const jwtSecret = randomBytes(32).toString('base64url');
  let service: RunningProcess;
  let base: string;
  /** Every response body except the ones that issue a secret. */
  const otherResponses: string[] = [];

  const call = async (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
    issuing = false,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!issuing) otherResponses.push(`${[...res.headers.entries()].join()} ${text}`);
    const json = /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : {};
    return { status: res.status, json: json as Record<string, unknown> };
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = startService({
      PORT: String(port),
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      AUTH_METHOD: 'basic',
      REDIS_KEY_PREFIX: prefix,
      ADMIN_USERNAME: 'root-admin',
      ADMIN_PASSWORD: adminPassword,
      JWT_SECRET: jwtSecret,
    });
    await waitForHttp(`${base}/health/ready`);
  });

  afterAll(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('never logs or echoes them', async () => {
    const secrets: Record<string, string> = { adminPassword, jwtSecret };
    const admin = await call(
      'POST',
      '/api/v1/auth/login',
      {},
      { username: 'root-admin', password: adminPassword },
      true,
    );
    expect(admin.status).toBe(200);
    const adminToken = String(admin.json.accessToken);
    secrets.adminToken = adminToken;
    const asAdmin = { Authorization: `Bearer ${adminToken}` };

    const userPassword = `user-pw-${randomBytes(10).toString('hex')}`;
    secrets.userPassword = userPassword;
    expect(
      (
        await call('POST', '/api/v1/admin/users', asAdmin, {
          username: 'dana',
          password: userPassword,
          roles: ['analyst'],
        })
      ).status,
    ).toBe(201);
    const wrongPassword = `wrong-pw-${randomBytes(10).toString('hex')}`;
    secrets.wrongPassword = wrongPassword;
    expect(
      (await call('POST', '/api/v1/auth/login', {}, { username: 'dana', password: wrongPassword }))
        .status,
    ).toBe(401);
    const user = await call(
      'POST',
      '/api/v1/auth/login',
      {},
      { username: 'dana', password: userPassword },
      true,
    );
    const userToken = String(user.json.accessToken);
    secrets.userToken = userToken;
    const asUser = { Authorization: `Bearer ${userToken}` };
    expect((await call('GET', '/api/v1/auth/me', asUser)).status).toBe(200);
    const refreshed = await call('POST', '/api/v1/auth/refresh', asUser, undefined, true);
    secrets.refreshedToken = String(refreshed.json.accessToken);
    expect((await call('GET', '/api/v1/auth/me', asUser)).status).toBe(401);
    expect(
      (
        await call('POST', '/api/v1/auth/logout', {
          Authorization: `Bearer ${secrets.refreshedToken}`,
        })
      ).status,
    ).toBe(204);

    const created = await call(
      'POST',
      '/api/v1/admin/api-keys',
      asAdmin,
      { name: 'ci', role: 'ci' },
      true,
    );
    const key = String(created.json.key);
    secrets.apiKey = key;
    secrets.apiKeyHash = createHash('sha256').update(key).digest('hex');
    expect((await call('GET', '/api/v1/auth/me', { Authorization: `Bearer ${key}` })).status).toBe(
      200,
    );
    expect((await call('GET', '/api/v1/auth/me', { 'X-API-Key': key })).status).toBe(200);
    expect(
      (await call('GET', '/api/v1/auth/me', { 'X-API-Key': `${key.slice(0, -2)}zz` })).status,
    ).toBe(401);
    const basic = `Basic ${Buffer.from(`dana:${userPassword}`).toString('base64')}`;
    expect((await call('GET', '/api/v1/auth/me', { Authorization: basic })).status).toBe(200);
    const badBasic = `Basic ${Buffer.from(`dana:${wrongPassword}`).toString('base64')}`;
    expect((await call('GET', '/api/v1/auth/me', { Authorization: badBasic })).status).toBe(401);

    for (const path of [
      '/api/v1/admin/users',
      '/api/v1/admin/api-keys',
      '/api/v1/admin/sessions',
      '/api/v1/admin/blocks',
    ]) {
      expect((await call('GET', path, asAdmin)).status).toBe(200);
    }
    expect((await call('GET', '/metrics')).status).toBe(200);

    // The stored password hashes, read from Redis.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const records = await redis.hvals(`${prefix}:{users}:records`);
    await redis.quit();
    records.forEach((r, i) => (secrets[`passwordHash${i}`] = JSON.parse(r).passwordHash));
    expect(Object.keys(secrets).filter((k) => k.startsWith('passwordHash'))).toHaveLength(2);

    // Tokens: the signature alone is enough to count as a leak.
    for (const name of ['adminToken', 'userToken', 'refreshedToken'])
      secrets[`${name}Signature`] = secrets[name].split('.')[2];

    const logs = service.output();
    expect(logs).toContain('request completed'); // request lines were written
    expect(logs).toContain('/api/v1/auth/login');
    const leaks = (text: string) =>
      Object.entries(secrets)
        .filter(([, v]) => text.includes(v))
        .map(([k]) => k);
    expect(leaks(logs)).toEqual([]);
    expect(leaks(otherResponses.join('\n'))).toEqual([]);
  });
});
