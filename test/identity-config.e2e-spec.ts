import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ConfigurationError, validateEnvironment } from '@techsapo/core';
import { SessionsService } from '@techsapo/security';
import { CONFIG_NAMESPACES } from '../apps/api/src/config';
import { signIn } from './support/auth';
import { decodePayload, forgeToken } from './support/forge-token';
import { startTestApp, TestApp } from './support/test-app';

const ME = '/api/v1/auth/me';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function problemsOf(env: Record<string, string>): string[] {
  try {
    validateEnvironment(env, CONFIG_NAMESPACES);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return error.problems.map((p) => p.variable);
  }
}

describe('identity configuration', () => {
  describe('boot-time validation', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'Kq3-9vXh_2LmPz7Rt5Wy8Nb4Jc6Fd1Sg0Ae',
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      AUDIT_HMAC_KEY: 'aH7-kP2_qR9sT4vW6xY8zB1cD3eF5gJ0mN',
    };

    it('accepts a sound production configuration (the baseline of the cases below)', () => {
      expect(problemsOf(production).filter((v) => /JWT|AUTH|ADMIN|SESSION/.test(v))).toEqual([]);
    });

    it('refuses Basic authentication in production', () => {
      expect(problemsOf({ ...production, AUTH_METHOD: 'basic' })).toContain('AUTH_METHOD');
      expect(problemsOf({ NODE_ENV: 'development', AUTH_METHOD: 'basic' })).not.toContain(
        'AUTH_METHOD',
      );
    });

    it('refuses a missing, short or placeholder JWT secret in production', () => {
      expect(problemsOf({ ...production, JWT_SECRET: '' })).toContain('JWT_SECRET');
      expect(problemsOf({ ...production, JWT_SECRET: 'too-short-secret' })).toContain('JWT_SECRET');
      expect(problemsOf({ ...production, JWT_SECRET: 'x'.repeat(40) })).toContain('JWT_SECRET');
    });

    it('asks for key files with RS256/ES256 and no secret', () => {
      const rs = problemsOf({ ...production, JWT_SECRET: '', JWT_ALGORITHM: 'RS256' });
      expect(rs).toEqual(expect.arrayContaining(['JWT_PRIVATE_KEY_FILE', 'JWT_PUBLIC_KEY_FILE']));
      expect(rs).not.toContain('JWT_SECRET');
      expect(problemsOf({ ...production, JWT_ALGORITHM: 'none' })).toContain('JWT_ALGORITHM');
    });
  });

  describe('AUTH_METHOD=basic (development)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ AUTH_METHOD: 'basic' });
    });
    afterAll(() => t.close());
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

    it("accepts a user's username and password on every request", async () => {
      const res = await request(t.server)
        .get(ME)
        .set('Authorization', basic(t.admin.username, t.admin.password));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        username: t.admin.username,
        roles: ['admin'],
        method: 'basic',
      });
    });

    it('answers a wrong password with 401 and a Basic challenge', async () => {
      const res = await request(t.server)
        .get(ME)
        .set('Authorization', basic(t.admin.username, 'wrong-password'));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('Basic realm="techsapo"');
    });

    it('still accepts login tokens', async () => {
      const user = await signIn(t, 'viewer');
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(200);
    });
  });

  describe('RS256 key files', () => {
    let t: TestApp;
    let publicPem: string;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'techsapo-jwt-'));
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      writeFileSync(
        join(dir, 'private.pem'),
        pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      );
      writeFileSync(join(dir, 'public.pem'), publicPem);
      t = await startTestApp({
        JWT_ALGORITHM: 'RS256',
        JWT_PRIVATE_KEY_FILE: join(dir, 'private.pem'),
        JWT_PUBLIC_KEY_FILE: join(dir, 'public.pem'),
      });
    });
    afterAll(() => t.close());

    it('signs with RS256 and accepts its own tokens', async () => {
      const user = await signIn(t, 'analyst');
      const header = JSON.parse(Buffer.from(user.token.split('.')[0], 'base64url').toString());
      expect(header.alg).toBe('RS256');
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(200);
    });

    it('refuses an HS256 token signed with the public key (algorithm confusion) and alg none', async () => {
      const user = await signIn(t, 'analyst');
      const claims = decodePayload(user.token);
      for (const forged of [
        forgeToken({ alg: 'HS256', typ: 'JWT' }, claims, publicPem),
        forgeToken({ alg: 'none', typ: 'JWT' }, claims),
      ]) {
        const res = await request(t.server).get(ME).set('Authorization', `Bearer ${forged}`);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toContain('Bearer');
      }
    });
  });

  describe('short session durations', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ SESSION_IDLE_SECONDS: '1', SESSION_TTL_SECONDS: '3' });
    });
    afterAll(() => t.close());

    it('ends a session left idle longer than the idle timeout', async () => {
      const user = await signIn(t, 'viewer');
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(200);
      await wait(1300);
      const res = await request(t.server).get(ME).set(user.auth);
      expect(res.status).toBe(401);
      expect(res.body.detail).toMatch(/session/);
    });

    it('keeps an active session alive past the idle timeout, until its absolute end', async () => {
      const user = await signIn(t, 'viewer');
      // A JWT's expiry is in whole seconds and never past the session's end, so the token of a
      // 3 s session lives at least 2 s: the activity stays inside that.
      for (let i = 0; i < 3; i += 1) {
        await wait(500);
        expect((await request(t.server).get(ME).set(user.auth)).status).toBe(200);
      }
      await wait(600);
      // 1.5 s of activity, past the 1 s idle timeout; the 3 s absolute end comes next.
      await wait(600);
      expect((await request(t.server).get(ME).set(user.auth)).status).toBe(401);
    });

    it('never issues a token that outlives its session', async () => {
      const user = await signIn(t, 'viewer');
      const claims = decodePayload(user.token);
      expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(3);
    });
  });

  describe('a session and its rate limit', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ SESSION_IDLE_SECONDS: '2', RATE_LIMIT_PER_MINUTE: '2' });
    });
    afterAll(() => t.close());

    it('a request refused by the rate limit is not activity: the session still ends when idle', async () => {
      const user = await signIn(t, 'viewer');
      const statuses: number[] = [];
      let lastAccepted = Date.now();
      // Two accepted requests take the minute's quota; refused ones go on past the idle timeout
      // counted from the last accepted one.
      do {
        const { status } = await request(t.server).get(ME).set(user.auth);
        statuses.push(status);
        if (status === 200) lastAccepted = Date.now();
        await wait(200);
      } while (Date.now() - lastAccepted < 2_800);
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(new Set(statuses.slice(2))).toEqual(new Set([429]));
      await expect(t.app.get(SessionsService).get(user.sessionId)).resolves.toBeUndefined();
    });
  });
});
