import type { FastifyRequest } from 'fastify';
import { API_KEY_PREFIX } from '../api-keys/api-key';
import { CookieCredential, readConsoleCookie } from './console-cookie';

export type Credential =
  | { kind: 'none' }
  | { kind: 'malformed' }
  | { kind: 'api-key'; key: string }
  | { kind: 'jwt'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | CookieCredential;

/**
 * What the request presents, without checking it: `X-API-Key: tsk_…`, `Authorization: Bearer
 * tsk_…` (API key), `Authorization: Bearer <jwt>`, or `Authorization: Basic …`. Exactly one:
 * a request presenting both headers is malformed (401), so an invalid credential can never
 * ride beside a valid one. Without either header, the console's session cookie (with its CSRF
 * token on state changes; see console-cookie.ts).
 */
export function readCredential(request: FastifyRequest): Credential {
  const xApi = request.headers['x-api-key'];
  const header = request.headers.authorization;
  if (xApi !== undefined) {
    if (header !== undefined) return { kind: 'malformed' };
    return typeof xApi === 'string' && xApi.startsWith(API_KEY_PREFIX)
      ? { kind: 'api-key', key: xApi }
      : { kind: 'malformed' };
  }
  if (header === undefined || header === '') return readConsoleCookie(request);
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (space < 0 || value === '') return { kind: 'malformed' };
  if (scheme === 'bearer') {
    return value.startsWith(API_KEY_PREFIX)
      ? { kind: 'api-key', key: value }
      : { kind: 'jwt', token: value };
  }
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { kind: 'malformed' };
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { kind: 'malformed' };
}
