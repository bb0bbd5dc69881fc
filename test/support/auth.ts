import type { Role } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from './test-app';

export interface AuthHeaders {
  auth: { Authorization: string };
}

export interface SignedIn extends AuthHeaders {
  userId: string;
  username: string;
  password: string;
  token: string;
  sessionId: string;
}

export interface IssuedApiKey extends AuthHeaders {
  id: string;
  key: string;
}

const adminTokens = new WeakMap<TestApp, Promise<string>>();

/** POST /api/v1/auth/login; throws with the response when it is not 200. */
export async function login(
  t: TestApp,
  username: string,
  password: string,
): Promise<{ token: string; sessionId: string; expiresIn: number }> {
  const res = await request(t.server).post('/api/v1/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login as ${username}: ${res.status} ${res.text}`);
  return {
    token: res.body.accessToken,
    sessionId: res.body.sessionId,
    expiresIn: res.body.expiresIn,
  };
}

/** The bootstrap admin's token (one session per test app, renewed once it has ended). */
export async function adminAuth(t: TestApp, renew = false): Promise<{ Authorization: string }> {
  let token = adminTokens.get(t);
  if (!token || renew) {
    token = login(t, t.admin.username, t.admin.password).then((l) => l.token);
    adminTokens.set(t, token);
  }
  return { Authorization: `Bearer ${await token}` };
}

/** Sends an admin request; when the cached admin session has ended (short test durations), logs in again. */
async function asAdmin(
  t: TestApp,
  send: (auth: { Authorization: string }) => request.Test,
): Promise<request.Response> {
  const res = await send(await adminAuth(t));
  return res.status === 401 ? send(await adminAuth(t, true)) : res;
}

/** A new user with `role`, created through the admin API and logged in through the login API. */
export async function signIn(t: TestApp, role: Role): Promise<SignedIn> {
  const username = `${role}-${randomBytes(5).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const created = await asAdmin(t, (auth) =>
    request(t.server)
      .post('/api/v1/admin/users')
      .set(auth)
      .send({ username, password, roles: [role] }),
  );
  if (created.status !== 201)
    throw new Error(`create ${username}: ${created.status} ${created.text}`);
  const { token, sessionId } = await login(t, username, password);
  return {
    userId: created.body.id,
    username,
    password,
    token,
    sessionId,
    auth: { Authorization: `Bearer ${token}` },
  };
}

/** A new API key with `role`, created through the admin API. */
export async function issueApiKey(
  t: TestApp,
  role: Role,
  expiresInDays?: number,
): Promise<IssuedApiKey> {
  const name = `${role}-key-${randomBytes(4).toString('hex')}`;
  const res = await asAdmin(t, (auth) =>
    request(t.server).post('/api/v1/admin/api-keys').set(auth).send({ name, role, expiresInDays }),
  );
  if (res.status !== 201) throw new Error(`create API key: ${res.status} ${res.text}`);
  return { id: res.body.id, key: res.body.key, auth: { Authorization: `Bearer ${res.body.key}` } };
}
