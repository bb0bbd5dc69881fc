import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeKeys } from './support/redis-cleanup';
import { freePort, startService, waitForHttp } from './support/processes';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'SECURITY'];

interface Run {
  code: number | null;
  out: string;
  /** X-Request-Id of the refused request. */
  refusedId: string | null;
}

/** The service's whole output for one start, a security event and a SIGTERM. */
async function runOnce(env: Record<string, string>): Promise<Run> {
  const port = await freePort();
  const prefix = `log${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'techsapo-logs-'));
  const service = startService({
    PORT: String(port),
    NODE_ENV: 'development',
    REDIS_KEY_PREFIX: prefix,
    DATA_DIR: join(dir, 'data'),
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: `admin-${randomBytes(12).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    WALL_BOUNCE_SIMULATOR: 'on',
    ...env,
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/health/ready`, 30000);
    // A blocked pattern in a structured field: a SECURITY event.
    const blocked = await fetch(
      `${url}/api/v1/auth/login?q=${encodeURIComponent('<script>x</script>')}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'not-the-password' }),
      },
    );
    expect(blocked.status).toBe(403);
    service.child.kill('SIGTERM');
    const refusedId = blocked.headers.get('x-request-id');
    return { code: await service.exited, out: service.output(), refusedId };
  } finally {
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await removeKeys(prefix);
  }
}

describe('one log shape: pino JSON records with string levels and ISO time', () => {
  let records: Record<string, unknown>[];
  let code: number | null;
  let refusedId: string | null;

  beforeAll(async () => {
    const run = await runOnce({ LOG_LEVEL: 'info' });
    code = run.code;
    refusedId = run.refusedId;
    const lines = run.out.split('\n').filter((l) => l.trim() !== '');
    // Every line is a JSON record: no plain-text banner, no second format.
    records = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON record: ${line}`);
      }
    });
  });

  it('every record has a string level and an ISO time', () => {
    expect(code).toBe(0);
    expect(records.length).toBeGreaterThan(3);
    for (const record of records) {
      expect(LEVELS).toContain(record.level);
      expect(typeof record.time).toBe('string');
      expect(new Date(record.time as string).toISOString()).toBe(record.time);
      expect(typeof record.msg).toBe('string');
    }
  });

  it('the start banner is one record, with every address, and no route chatter before it', () => {
    const banners = records.filter((r) => r.event === 'started');
    expect(banners).toHaveLength(1);
    expect(banners[0]).toMatchObject({
      level: 'info',
      context: 'TechSapo',
      urls: {
        api: expect.stringMatching(/\/api\/v1$/),
        docs: expect.stringMatching(/\/docs$/),
        health: expect.stringMatching(/\/health\/ready$/),
      },
    });
    expect(banners[0].msg).toMatch(/^TechSapo \(development, role all\) is listening on http/);
    expect(
      records.filter((r) => /RouterExplorer|RoutesResolver|InstanceLoader/.test(String(r.context))),
    ).toEqual([]);
    expect(records.findIndex((r) => r.event === 'started')).toBeLessThan(15);
  });

  it("a security event is a pino record with level SECURITY and the seed's fields", () => {
    const security = records.filter((r) => r.level === 'SECURITY');
    expect(security.length).toBeGreaterThan(0);
    expect(security[0]).toMatchObject({
      timestamp: expect.any(String),
      event_type: 'SUSPICIOUS_ACTIVITY',
      severity: expect.any(String),
      session_id: null,
      ip_address: expect.stringContaining('***'),
      user_agent: expect.any(String),
      request_id: expect.any(String),
      details: expect.objectContaining({ blocked: true, source: expect.any(String) }),
      msg: 'security event',
    });
    // One level field, the SIEM's: the record is valid JSON with a single "level".
    expect(Object.keys(security[0]).filter((k) => k === 'level')).toHaveLength(1);
  });

  it('a request is one line when it ends: masked request, its id, status and time; probes none', () => {
    const lines = records.filter((r) => r.requestId === refusedId);
    expect(refusedId).toEqual(expect.any(String));
    expect(lines).toEqual([
      {
        level: 'warn',
        time: expect.any(String),
        pid: expect.any(Number),
        hostname: expect.any(String),
        req: {
          method: 'POST',
          url: `/api/v1/auth/login?q=${encodeURIComponent('<script>x</script>')}`,
          ip: expect.stringContaining('***'),
          userAgent: expect.stringContaining('***'),
        },
        requestId: refusedId,
        res: { statusCode: 403 },
        responseTime: expect.any(Number),
        msg: 'request completed',
      },
    ]);
    const probes = records.filter((r) =>
      String((r.req as { url?: string } | undefined)?.url).startsWith('/health'),
    );
    expect(probes).toEqual([]);
  });

  it('stopping is logged as records too', () => {
    expect(records.map((r) => r.event).filter(Boolean)).toEqual(['started', 'stopping', 'stopped']);
  });
});

describe('LOG_FORMAT=pretty: the same records, readable (pino-pretty)', () => {
  it('prints level names and messages on lines that are not JSON', async () => {
    const { code, out } = await runOnce({ LOG_FORMAT: 'pretty' });
    expect(code).toBe(0);
    const lines = out.split('\n').filter((l) => l.trim() !== '');
    expect(
      lines.some((l) =>
        /^\[[\d:.]+\] INFO \(\d+\): TechSapo \(development, role all\) is listening/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /^\[[\d:.]+\] SECURITY \(\d+\): security event/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
  });
});
