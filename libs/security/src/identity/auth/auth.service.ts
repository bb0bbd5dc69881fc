import { ForbiddenError, Principal } from '@techsapo/core';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Session } from '../sessions/session';
import { SessionOwner, SessionsService } from '../sessions/sessions.service';
import { TokenService } from '../tokens/token.service';
import { UsersService } from '../users/users.service';
import { PasswordLogin } from './password-login';

export interface TokenGrant {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  sessionId: string;
}

/** Login, refresh (rotation) and logout over sessions and access tokens. */
@Injectable()
export class AuthService {
  constructor(
    private readonly passwords: PasswordLogin,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
  ) {}

  async login(username: string, password: string, request: FastifyRequest): Promise<TokenGrant> {
    const user = await this.passwords.check(username, password, request, 'login');
    const now = new Date();
    const [session] = await Promise.all([
      this.sessions.create(user, contextOf(request)),
      this.users.recordLogin(user.id, now),
    ]);
    return this.grant(user, session);
  }

  /** A new session and token; the old ones stop working. The absolute end is kept. */
  async refresh(principal: Principal, request: FastifyRequest): Promise<TokenGrant> {
    const old = principal.sessionId ? await this.sessions.get(principal.sessionId) : undefined;
    if (!principal.sessionId || !old) {
      throw new ForbiddenError('Only a session (a login token) can be refreshed.', 'not-a-session');
    }
    const owner: SessionOwner = { id: principal.id, username: old.username, roles: old.roles };
    const session = await this.sessions.create(
      owner,
      contextOf(request),
      Date.parse(old.expiresAt),
    );
    await this.sessions.end(old.id, principal.id);
    return this.grant(owner, session);
  }

  async logout(principal: Principal): Promise<void> {
    if (!principal.sessionId) {
      throw new ForbiddenError('Only a session (a login token) can log out.', 'not-a-session');
    }
    await this.sessions.end(principal.sessionId, principal.id);
  }

  private grant(owner: SessionOwner, session: Session): TokenGrant {
    const { accessToken, expiresIn } = this.tokens.issue(
      { sub: owner.id, sid: session.id, roles: owner.roles, name: owner.username },
      Date.parse(session.expiresAt),
    );
    return { accessToken, tokenType: 'Bearer', expiresIn, sessionId: session.id };
  }
}

function contextOf(request: FastifyRequest): { ip: string; userAgent?: string } {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}
