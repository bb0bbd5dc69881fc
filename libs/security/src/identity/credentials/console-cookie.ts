import { parseCookie } from 'cookie';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

/** The console's session cookie: the access token of a login, httpOnly and SameSite=Strict. */
export const CONSOLE_COOKIE = 'techsapo_console';
/** The header that carries the CSRF token on every state change made with the cookie. */
export const CSRF_HEADER = 'x-csrf-token';

export type CookieCredential =
  | { kind: 'none' }
  | { kind: 'jwt'; token: string }
  | { kind: 'csrf-refused'; code: 'csrf-token-missing' | 'csrf-token-invalid' };

/** Methods that change nothing: the cookie alone is enough for them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The CSRF token of a console session: a digest of its access token. Only a page that was
 * given it (the console, at sign-in) can send it; a cross-site page, which the browser lets
 * send the cookie but never read it, cannot compute it, and the token does not reveal the
 * cookie. It is bound to the session: a new sign-in has a new one.
 */
export function csrfTokenFor(accessToken: string): string {
  return createHash('sha256').update(`techsapo-console-csrf:${accessToken}`).digest('base64url');
}

/** The console cookie's access token from the Cookie header, if any. */
export function consoleCookieToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[CONSOLE_COOKIE] || undefined;
}

/**
 * The console cookie as a credential: its access token, then checked like a Bearer token by
 * the same authenticator. A state change (any method but GET/HEAD/OPTIONS) must carry the
 * session's CSRF token in X-CSRF-Token, or the request is refused.
 */
export function readConsoleCookie(request: FastifyRequest): CookieCredential {
  const token = consoleCookieToken(request);
  if (!token) return { kind: 'none' };
  if (SAFE_METHODS.has(request.method)) return { kind: 'jwt', token };
  const presented = request.headers[CSRF_HEADER];
  if (typeof presented !== 'string' || presented === '')
    return { kind: 'csrf-refused', code: 'csrf-token-missing' };
  const expected = Buffer.from(csrfTokenFor(token));
  const given = Buffer.from(presented);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { kind: 'csrf-refused', code: 'csrf-token-invalid' };
  return { kind: 'jwt', token };
}
