import { UnauthenticatedError, type Principal } from '@techsapo/core';
import { newTestService } from '@techsapo/testing';
import type { FastifyRequest } from 'fastify';
import type { Gauge } from 'prom-client';
import { randomBytes } from 'node:crypto';
import { BlocksService } from '../../blocks/blocks.service';
import { securityConfig } from '../../config/security.config';
import { SessionsService } from '../sessions/sessions.service';
import { TokenService } from '../tokens/token.service';
import type { StoredUser } from '../users/user';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import type { PasswordLogin } from './password-login';

const request = {
  ip: '203.0.113.9',
  headers: { 'user-agent': 'techsapo-test' },
} as unknown as FastifyRequest;

function setup() {
  const config = securityConfig.read({ JWT_SECRET: randomBytes(32).toString('base64url') });
  const tokens = new TokenService(config);
  const built = newTestService((d) => {
    const users = new UsersService(d.users, d.hasher);
    // The password rules (bans, equal cost for unknown users) have their own tests: here a
    // login is the stored user when the password matches.
    const passwords = {
      check: async (username: string, password: string): Promise<StoredUser> => {
        const user = await users.findStoredByUsername(username);
        if (!user || !(await d.hasher.verify(password, user.passwordHash)))
          throw new UnauthenticatedError('The username or password is wrong.');
        return user;
      },
    } as unknown as PasswordLogin;
    const gauge = { set: () => undefined } as unknown as Gauge<string>;
    const sessionsService = new SessionsService(d.sessions, config, gauge);
    const blocks = new BlocksService(d.blocks);
    return {
      auth: new AuthService(passwords, users, sessionsService, tokens, blocks),
      users,
      blocks,
    };
  });
  return { ...built, tokens };
}

const asSession = (claims: { sub: string; sid?: string }): Principal => ({
  id: claims.sub,
  username: 'ada',
  roles: ['analyst'],
  method: 'jwt',
  sessionId: claims.sid,
});

describe('AuthService', () => {
  it('logs in: a session, the login recorded, a bearer token naming the session', async () => {
    const { sut, sessions, tokens } = setup();
    const ada = await sut.users.create({ username: 'ada', password: 'pw', roles: ['analyst'] });
    const grant = await sut.auth.login('ada', 'pw', request);
    expect(grant).toMatchObject({ tokenType: 'Bearer', sessionId: expect.any(String) as string });
    expect(grant.expiresIn).toBeGreaterThan(0);
    await expect(tokens.verify(grant.accessToken)).resolves.toMatchObject({
      sub: ada.id,
      sid: grant.sessionId,
      roles: ['analyst'],
      name: 'ada',
    });
    expect(sessions.inserted.map((s) => s.session.id)).toEqual([grant.sessionId]);
    expect((await sut.users.get(ada.id)).lastLoginAt).toEqual(expect.any(String));
  });

  it('refuses a wrong password before anything is stored', async () => {
    const { sut, sessions } = setup();
    await sut.users.create({ username: 'ada', password: 'pw', roles: ['analyst'] });
    await expect(sut.auth.login('ada', 'nope', request)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    expect(sessions.inserted).toEqual([]);
  });

  it('refuses a blocked user with the block’s reason, starting no session', async () => {
    const { sut, sessions } = setup();
    const ada = await sut.users.create({ username: 'ada', password: 'pw', roles: ['analyst'] });
    await sut.blocks.create({
      kind: 'user',
      value: ada.id,
      reason: 'under review',
      ttlSeconds: 60,
      createdBy: 'admin-1',
    });
    await expect(sut.auth.login('ada', 'pw', request)).rejects.toMatchObject({
      status: 403,
      code: 'blocked',
      block: { kind: 'user', reason: 'under review' },
    });
    expect(sessions.inserted).toEqual([]);
    expect((await sut.users.get(ada.id)).lastLoginAt).toBeUndefined();
  });

  it('refreshes a session into a new one once; the old one is then ended (401, session ended)', async () => {
    const { sut, tokens } = setup();
    await sut.users.create({ username: 'ada', password: 'pw', roles: ['analyst'] });
    const first = await sut.auth.login('ada', 'pw', request);
    const principal = asSession(await tokens.verify(first.accessToken));
    const second = await sut.auth.refresh(principal, request);
    expect(second.sessionId).not.toBe(first.sessionId);
    await expect(tokens.verify(second.accessToken)).resolves.toMatchObject({
      sid: second.sessionId,
    });
    await expect(sut.auth.refresh(principal, request)).rejects.toMatchObject({
      status: 401,
      reason: 'session-ended',
    });
  });

  it('logs a session out; a second refresh of it is refused', async () => {
    const { sut, tokens } = setup();
    await sut.users.create({ username: 'ada', password: 'pw', roles: ['analyst'] });
    const grant = await sut.auth.login('ada', 'pw', request);
    const principal = asSession(await tokens.verify(grant.accessToken));
    await sut.auth.logout(principal);
    await expect(sut.auth.refresh(principal, request)).rejects.toMatchObject({
      reason: 'session-ended',
    });
  });

  it('refuses to refresh or log out what is not a session (an API key): 403 not-a-session', async () => {
    const { sut } = setup();
    const key: Principal = { id: 'u-1', username: 'ada', roles: ['analyst'], method: 'api-key' };
    await expect(sut.auth.refresh(key, request)).rejects.toMatchObject({
      status: 403,
      code: 'not-a-session',
    });
    await expect(sut.auth.logout(key)).rejects.toMatchObject({
      status: 403,
      code: 'not-a-session',
    });
  });
});
