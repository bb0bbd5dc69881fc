import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import Redis from 'ioredis';
import {
  freePort,
  MAIN,
  ROOT,
  RunningProcess,
  runtimeFlags,
  serviceSecrets,
  startService,
  waitForHttp,
} from './support/processes';

/** Seed 003's production values, booted as `npm start` runs the service, each checked in force. */
describe('production profile (.env.production.example)', () => {
  const profile = parseEnv(readFileSync(join(ROOT, '.env.production.example'), 'utf8'));
  const prefix = `prod${randomBytes(3).toString('hex')}`;
  const adminPassword = `prod-admin-${randomBytes(12).toString('hex')}`;
  const data = mkdtempSync(join(tmpdir(), 'techsapo-prod-'));
  let service: RunningProcess;
  let base: string;

  const call = async (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const login = async (username: string, password: string) => {
    const res = await call('POST', '/api/v1/auth/login', {}, { username, password });
    expect(res.status).toBe(200);
    return res.body as { accessToken: string; expiresIn: number; sessionId: string };
  };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const flags = runtimeFlags({ DATA_DIR: data, MCP_CONFIG: '' });
    service = startService(
      {
        ...profile,
        // The deployment fills these in; the profile leaves them empty on purpose.
        ...serviceSecrets(),
        ADMIN_PASSWORD: adminPassword,
        METRICS_TOKEN: randomBytes(24).toString('base64url'),
        OPENAI_API_KEY: `sk-${randomBytes(16).toString('hex')}`,
        ANTHROPIC_API_KEY: `sk-ant-${randomBytes(16).toString('hex')}`,
        GEMINI_API_KEY: randomBytes(16).toString('hex'),
        TRUST_PROXY: 'false',
        PORT: String(port),
        DATA_DIR: data,
        REDIS_KEY_PREFIX: prefix,
      },
      [...flags, MAIN],
    );
    await waitForHttp(`${base}/health/live`);
  });

  afterAll(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
    rmSync(data, { recursive: true, force: true });
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('leaves the development defaults unchanged', () => {
    const dev = parseEnv(readFileSync(join(ROOT, '.env.example'), 'utf8'));
    expect(dev).toMatchObject({
      NODE_ENV: 'development',
      SESSION_TTL_SECONDS: '3600',
      SESSION_MAX_PER_USER: '5',
      RATE_LIMIT_PER_HOUR: '2000',
    });
    expect(profile).toMatchObject({
      NODE_ENV: 'production',
      AUTH_METHOD: 'jwt',
      SESSION_TTL_SECONDS: '1800',
      SESSION_MAX_PER_USER: '3',
      RATE_LIMIT_PER_HOUR: '1000',
    });
  });

  it('runs in production: sessions end after 30 minutes, tokens with them', async () => {
    const admin = await login('admin', adminPassword);
    expect(admin.expiresIn).toBe(1800);
    const sessions = await call('GET', '/api/v1/admin/sessions', bearer(admin.accessToken));
    const session = sessions.body.items.find((s: { id: string }) => s.id === admin.sessionId);
    expect(Date.parse(session.expiresAt) - Date.parse(session.createdAt)).toBe(1_800_000);
  });

  it('allows at most 3 concurrent sessions per user', async () => {
    const admin = await login('admin', adminPassword);
    const password = `user-${randomBytes(10).toString('hex')}`;
    const created = await call('POST', '/api/v1/admin/users', bearer(admin.accessToken), {
      username: 'erin',
      password,
      roles: ['analyst'],
    });
    expect(created.status).toBe(201);
    const first = await login('erin', password);
    for (let i = 0; i < 3; i += 1) await login('erin', password);
    expect((await call('GET', '/api/v1/auth/me', bearer(first.accessToken))).status).toBe(401);
    const listed = await call(
      'GET',
      `/api/v1/admin/sessions?userId=${created.body.id}`,
      bearer(admin.accessToken),
    );
    expect(listed.body.items).toHaveLength(3);
  });

  it('limits each session to 1000 requests per hour (and 100 per minute, 20 per second)', async () => {
    const admin = await login('admin', adminPassword);
    const res = await call('GET', '/api/v1/auth/me', bearer(admin.accessToken));
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-policy')).toBe('20;w=1, 100;w=60, 1000;w=3600');
  });

  it('requires authentication: no credentials and Basic are refused; metrics need their token', async () => {
    expect((await call('GET', '/api/v1/auth/me')).status).toBe(401);
    const basic = `Basic ${Buffer.from(`admin:${adminPassword}`).toString('base64')}`;
    const refused = await call('GET', '/api/v1/auth/me', { Authorization: basic });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).not.toContain('Basic');
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(401);
  });

  it('validates every JSON body: unknown properties are refused', async () => {
    const res = await call(
      'POST',
      '/api/v1/auth/login',
      {},
      { username: 'admin', password: 'x', admin: true },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'admin', message: 'is not a known property' }]);
  });

  it('refuses to start with Basic authentication', async () => {
    const basic = startService({
      ...profile,
      AUTH_METHOD: 'basic',
      JWT_SECRET: randomBytes(48).toString('base64url'),
    });
    expect(await basic.exited).toBe(1);
    expect(basic.output()).toContain('AUTH_METHOD');
  });
});
