import type { Principal, Role } from '@techsapo/core';
import { CONSOLE_COOKIE, csrfTokenFor } from '@techsapo/security';
import { stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JwtService } from '@nestjs/jwt';
import type { ConsoleSessionDto } from './dto/console-session.dto';

/**
 * Secure when the request came over TLS, directly or through a proxy trusted by TRUST_PROXY
 * (the same rule as HSTS in transport-security.ts): a plain-HTTP service (a dev VM) must
 * still be able to sign in.
 */
function cookieOptions(request: FastifyRequest, maxAge: number) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    maxAge,
    secure: request.protocol === 'https',
  };
}

export function setConsoleCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  accessToken: string,
  expiresIn: number,
): void {
  reply.header(
    'set-cookie',
    stringifySetCookie(CONSOLE_COOKIE, accessToken, cookieOptions(request, expiresIn)),
  );
}

export function clearConsoleCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', stringifySetCookie(CONSOLE_COOKIE, '', cookieOptions(request, 0)));
}

/** The claims of an access token this service just issued or already verified. */
interface IssuedClaims {
  sub: string;
  sid: string;
  name: string;
  roles: Role[];
  exp: number;
}
const decoder = new JwtService();

/** Who a freshly issued access token names (no verification: we signed it a moment ago). */
export function principalOfIssued(accessToken: string): ConsoleSessionPrincipal {
  const claims = decoder.decode<IssuedClaims>(accessToken);
  return { id: claims.sub, username: claims.name, roles: claims.roles, sessionId: claims.sid };
}

type ConsoleSessionPrincipal = Pick<Principal, 'id' | 'username' | 'roles'> & { sessionId: string };

/** What the console learns about its session; never the access token. */
export function consoleSession(
  principal: ConsoleSessionPrincipal,
  accessToken: string,
): ConsoleSessionDto {
  const { exp } = decoder.decode<IssuedClaims>(accessToken);
  return {
    id: principal.id,
    username: principal.username,
    roles: principal.roles,
    sessionId: principal.sessionId,
    csrfToken: csrfTokenFor(accessToken),
    expiresIn: Math.max(0, (exp ?? 0) - Math.floor(Date.now() / 1000)),
  };
}
