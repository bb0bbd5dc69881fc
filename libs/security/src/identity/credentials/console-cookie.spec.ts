import type { FastifyRequest } from 'fastify';
import { CONSOLE_COOKIE, csrfTokenFor, readConsoleCookie } from './console-cookie';
import { readCredential } from './credential';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';

function request(method: string, headers: Record<string, string>): FastifyRequest {
  return { method, headers } as unknown as FastifyRequest;
}

describe('the console cookie as a credential', () => {
  const cookie = `other=1; ${CONSOLE_COOKIE}=${TOKEN}`;

  it('is the access token on a read, without any CSRF token', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect(readConsoleCookie(request(method, { cookie }))).toEqual({ kind: 'jwt', token: TOKEN });
  });

  it('needs the session’s CSRF token on every state change', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(readConsoleCookie(request(method, { cookie }))).toEqual({
        kind: 'csrf-refused',
        code: 'csrf-token-missing',
      });
      expect(
        readConsoleCookie(request(method, { cookie, 'x-csrf-token': csrfTokenFor('another') })),
      ).toEqual({ kind: 'csrf-refused', code: 'csrf-token-invalid' });
      expect(readConsoleCookie(request(method, { cookie, 'x-csrf-token': 'short' }))).toEqual({
        kind: 'csrf-refused',
        code: 'csrf-token-invalid',
      });
      expect(
        readConsoleCookie(request(method, { cookie, 'x-csrf-token': csrfTokenFor(TOKEN) })),
      ).toEqual({ kind: 'jwt', token: TOKEN });
    }
  });

  it('gives way to a header credential, which is never combined with it', () => {
    const bearer = request('POST', { cookie, authorization: 'Bearer other.jwt.token' });
    expect(readCredential(bearer)).toEqual({ kind: 'jwt', token: 'other.jwt.token' });
    const key = request('POST', { cookie, 'x-api-key': 'tsk_abc' });
    expect(readCredential(key)).toEqual({ kind: 'api-key', key: 'tsk_abc' });
    expect(readCredential(request('GET', { cookie }))).toEqual({ kind: 'jwt', token: TOKEN });
    expect(readCredential(request('GET', { cookie: 'other=1' }))).toEqual({ kind: 'none' });
    expect(readCredential(request('GET', {}))).toEqual({ kind: 'none' });
  });

  it('does not reveal the access token in the CSRF token', () => {
    expect(csrfTokenFor(TOKEN)).not.toContain(TOKEN.split('.')[1]);
    expect(csrfTokenFor(TOKEN)).toBe(csrfTokenFor(TOKEN));
    expect(csrfTokenFor(TOKEN)).not.toBe(csrfTokenFor(`${TOKEN}x`));
  });
});
