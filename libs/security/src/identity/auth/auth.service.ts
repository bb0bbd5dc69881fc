import { ForbiddenError, Principal } from '@techsapo/core';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BlockedError } from '../../blocks/blocked.error';
import { BlocksService } from '../../blocks/blocks.service';
import { Session } from '../sessions/session';
import { SessionsService } from '../sessions/sessions.service';
import { InvalidTokenError } from '../tokens/invalid-token.error';
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
    private readonly blocks: BlocksService,
  ) {}

  /**
   * A blocked user is refused (403 `blocked`, with the block's reason) after the password
   * check and before any session starts, so a login can never push out older sessions.
   */
  async login(username: string, password: string, request: FastifyRequest): Promise<TokenGrant> {
    const user = await this.passwords.check(username, password, request, 'login');
    const block = await this.blocks.find({ userId: user.id });
    if (block) throw new BlockedError(block);
    const now = new Date();
    const [session] = await Promise.all([
      this.sessions.create(user, contextOf(request)),
      this.users.recordLogin(user.id, now),
    ]);
    return this.grant(session);
  }

  /**
   * A new session and token; the old ones stop working. The absolute end is kept. The old
   * session is claimed atomically: of parallel refreshes with one token exactly one wins, the
   * others are answered 401 `session-ended`, as any later use of the old token is.
   */
  async refresh(principal: Principal, request: FastifyRequest): Promise<TokenGrant> {
    if (!principal.sessionId) {
      throw new ForbiddenError('Only a session (a login token) can be refreshed.', 'not-a-session');
    }
    const session = await this.sessions.rotate(
      principal.id,
      principal.sessionId,
      contextOf(request),
    );
    if (!session) throw new InvalidTokenError('session-ended');
    return this.grant(session);
  }

  async logout(principal: Principal): Promise<void> {
    if (!principal.sessionId) {
      throw new ForbiddenError('Only a session (a login token) can log out.', 'not-a-session');
    }
    await this.sessions.end(principal.sessionId, principal.id);
  }

  private grant(session: Session): TokenGrant {
    const { accessToken, expiresIn } = this.tokens.issue(
      { sub: session.userId, sid: session.id, roles: session.roles, name: session.username },
      Date.parse(session.expiresAt),
    );
    return { accessToken, tokenType: 'Bearer', expiresIn, sessionId: session.id };
  }
}

function contextOf(request: FastifyRequest): { ip: string; userAgent?: string } {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}
