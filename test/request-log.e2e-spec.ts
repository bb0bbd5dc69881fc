import { appConfig, loggerParams, RequestLifecycle } from '@techsapo/core';
import { PinoLogger } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import pino, { type LoggerOptions } from 'pino';
import request from 'supertest';
import { adminAuth } from './support/auth';
import {
  freePort,
  login,
  MAIN,
  runtimeFlags,
  startService,
  waitForHttp,
} from './support/processes';
import { removeKeys } from './support/redis-cleanup';
import { startTestApp, TestApp } from './support/test-app';

/** The app's root logger is read-only in nestjs-pino's types; the test writes it elsewhere. */
const setRoot = (logger: PinoLogger['logger']): void => {
  (PinoLogger as unknown as { root: PinoLogger['logger'] }).root = logger;
};

describe("a stage's log line carries its request, passed explicitly", () => {
  let t: TestApp;
  let root: PinoLogger['logger'];
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    // The app's logger shape (serializers, redaction) at info, written here instead of stdout.
    root = PinoLogger.root;
    const options = loggerParams(appConfig.read({ ...process.env, LOG_LEVEL: 'info' }))
      .pinoHttp as LoggerOptions;
    setRoot(pino(options, { write: (line: string) => lines.push(JSON.parse(line)) }));
  });

  afterAll(async () => {
    setRoot(root);
    await t.close();
  });

  it("a line written while the request is served has the request's id and fields", async () => {
    t.app.get(RequestLifecycle).onCompleted(() => {
      throw new Error('listener broke');
    });
    const res = await request(t.server)
      .get('/api/v1/auth/me')
      .set(await adminAuth(t))
      .expect(200);
    const id = res.headers['x-request-id'];
    const ofRequest = () => lines.filter((l) => l.requestId === id);
    // The completion hook runs once the answer is written, as the client receives it.
    for (let i = 0; i < 100 && ofRequest().length < 2; i++) await new Promise(setImmediate);
    expect(ofRequest()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'error',
          context: 'RequestLifecycle',
          msg: 'request-completed listener failed',
          req: expect.objectContaining({ method: 'GET', url: '/api/v1/auth/me' }),
          requestId: id,
          err: expect.objectContaining({ message: 'listener broke' }),
        }),
        expect.objectContaining({ msg: 'request completed', res: { statusCode: 200 } }),
      ]),
    );
  });
});

describe('the api role serves requests with no promise hooks (no AsyncLocalStorage runs)', () => {
  it('after signed-in, refused and public requests and its timed audit work, a new promise carries no async id', async () => {
    const port = await freePort();
    const prefix = `hooks${port}`;
    const password = randomBytes(12).toString('hex');
    const service = startService(
      {
        PORT: String(port),
        ROLE: 'api',
        NODE_ENV: 'development',
        REDIS_KEY_PREFIX: prefix,
        ADMIN_USERNAME: 'admin',
        ADMIN_PASSWORD: password,
        JWT_SECRET: randomBytes(32).toString('base64url'),
        // The audit checkpoint and the retention run on their timers, within the test.
        AUDIT_CHECKPOINT_INTERVAL_MS: '1000',
        RETENTION_INTERVAL_MS: '1000',
      },
      [...runtimeFlags(), '--require', join(__dirname, 'support', 'promise-hooks-probe.cjs'), MAIN],
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/health/ready`, 30000);
      const accessToken = await login(url, { username: 'admin', password });
      const me = await fetch(`${url}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(me.status).toBe(200);
      expect((await fetch(`${url}/api/v1/auth/me`)).status).toBe(401);
      // A checkpoint of the entries those requests left, then a retention run (its first comes
      // one interval after start) and another checkpoint round. A timer late on a busy machine
      // can only make the probe miss a hook turned on, never fail a correct service.
      while (!service.output().includes('"event_type":"AUDIT_CHECKPOINT"'))
        await once(service.child.stdout!, 'data');
      await new Promise((r) => setTimeout(r, 1500));
      service.child.kill('SIGUSR2');
      const probe = () =>
        service
          .output()
          .split('\n')
          .find((line) => line.includes('"probe":"promise-hooks"'));
      while (!probe()) await once(service.child.stdout!, 'data');
      expect(JSON.parse(probe()!)).toEqual({ probe: 'promise-hooks', on: false });
    } finally {
      if (service.child.exitCode === null) service.child.kill('SIGTERM');
      await service.exited;
      await removeKeys(prefix);
    }
  });
});
