import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { type SecurityEventInput, SecurityEventService } from '@techsapo/audit';
import {
  describeError,
  DomainError,
  ForbiddenError,
  Principal,
  RedisService,
  ServiceUnavailableError,
  requestLogger,
  UnauthenticatedError,
} from '@techsapo/core';
import type { FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { BlockedError } from '../../blocks/blocked.error';
import { BlocksService } from '../../blocks/blocks.service';
import { securityConfig } from '../../config/security.config';
import { Authenticator } from '../../pipeline/authenticator';
import { apiKeyActorName } from '../api-keys/api-key';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { PasswordLogin } from '../auth/password-login';
import { readCredential } from '../credentials/credential';
import { AUTH_ATTEMPTS } from '../identity.metrics';
import { SessionsService } from '../sessions/sessions.service';
import { InvalidTokenError } from '../tokens/invalid-token.error';
import { OidcVerifier } from '../tokens/oidc-verifier';
import { TokenService } from '../tokens/token.service';
import { TokenStandingLookup } from './token-standing';

type CheckedMethod = 'jwt' | 'api-key';

/**
 * Who is calling: a JWT whose session is still alive (checked on every request, so an ended
 * session's token fails at once; the user and session blocks are read in the same round
 * trip, which the rate limiter sends with its counters: TokenStandingLookup; the request is
 * the session's activity once accepted here), an API key (revocation effective on the next
 * request), or Basic credentials when AUTH_METHOD=basic. Redis failures refuse the request
 * (503), never admit it.
 */
@Injectable()
export class IdentityAuthenticator extends Authenticator {
  constructor(
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
    private readonly tokens: TokenService,
    private readonly standing: TokenStandingLookup,
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
    private readonly passwords: PasswordLogin,
    private readonly blocks: BlocksService,
    private readonly events: SecurityEventService,
    @InjectMetric(AUTH_ATTEMPTS) private readonly attempts: Counter<string>,
    private readonly redis: RedisService,
    private readonly oidc: OidcVerifier,
  ) {
    super();
  }

  async authenticate(request: FastifyRequest): Promise<Principal> {
    try {
      // Every credential is checked against Redis: while it is away, refuse at once.
      if (!this.redis.connected) throw new Error('redis is not connected');
      return await this.identify(request);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new ServiceUnavailableError(
        'Authentication is unavailable; the request was refused.',
        'authentication-unavailable',
      );
    }
  }

  private async identify(request: FastifyRequest): Promise<Principal> {
    const credential = readCredential(request);
    switch (credential.kind) {
      case 'jwt':
        // A token of the configured OpenID Connect issuer, or one of ours.
        if (this.oidc.claims(credential.token))
          return this.counted(request, 'jwt', () => this.fromOidc(credential.token));
        return this.counted(request, 'jwt', () => this.fromToken(request, credential.token));
      case 'api-key':
        return this.counted(request, 'api-key', () => this.fromApiKey(credential.key));
      case 'basic':
        if (this.config.authMethod !== 'basic') break;
        return this.unblocked(
          await this.fromBasic(credential.username, credential.password, request),
        );
      case 'malformed':
        throw this.challenge('The credentials are malformed.');
      case 'csrf-refused':
        throw this.csrfRefused(request, credential.code);
    }
    throw this.challenge();
  }

  private async fromToken(request: FastifyRequest, token: string): Promise<Principal> {
    const claims = await this.tokens.verifyFor(request, token);
    const { session, block } = await this.standing.standingOf(request, claims);
    if (!session) throw new InvalidTokenError('session-ended');
    if (block) throw new BlockedError(block);
    // Not waited for: the check above already admitted the request.
    this.sessions.recordActivity(claims.sid, session).catch((error: unknown) => {
      requestLogger(request, IdentityAuthenticator.name).warn(
        `session activity not recorded: ${describeError(error)}`,
      );
    });
    return {
      id: claims.sub,
      username: session.username,
      roles: session.roles,
      sessionId: claims.sid,
      method: 'jwt',
    };
  }

  private async fromOidc(token: string): Promise<Principal> {
    const principal = await this.oidc.verify(token);
    const block = await this.blocks.find({ userId: principal.id });
    if (block) throw new BlockedError(block);
    return principal;
  }

  private async fromApiKey(key: string): Promise<Principal> {
    const found = await this.apiKeys.validate(key);
    if (!found) throw this.challenge('The API key is unknown, revoked or expired.');
    return {
      id: found.id,
      username: apiKeyActorName(found.name),
      roles: [found.role],
      apiKeyId: found.id,
      method: 'api-key',
    };
  }

  private async fromBasic(
    username: string,
    password: string,
    request: FastifyRequest,
  ): Promise<Principal> {
    try {
      return await this.passwords.verify(username, password, request);
    } catch (error) {
      // The challenge names Basic too, so a client knows it may retry with it.
      if (error instanceof UnauthenticatedError) throw this.challenge(error.detail);
      throw error;
    }
  }

  private async unblocked(principal: Principal): Promise<Principal> {
    const block = await this.blocks.find({ userId: principal.id });
    if (block) throw new BlockedError(block);
    return principal;
  }

  private async counted(
    request: FastifyRequest,
    method: CheckedMethod,
    run: () => Promise<Principal>,
  ): Promise<Principal> {
    try {
      const principal = await run();
      this.attempts.inc({ result: 'success', method });
      return principal;
    } catch (error) {
      if (error instanceof BlockedError) this.attempts.inc({ result: 'blocked', method });
      if (error instanceof UnauthenticatedError) {
        this.attempts.inc({ result: 'failure', method });
        this.refusal(request, {
          eventType: 'AUTHENTICATION_FAILURE',
          severity: 'LOW',
          violationType: method === 'api-key' ? 'INVALID_API_KEY' : 'INVALID_TOKEN',
          details: {
            method,
            reason: error instanceof InvalidTokenError ? error.reason : error.code,
          },
        });
      }
      throw error;
    }
  }

  /** A state change with the console cookie but not its CSRF token: a cross-site request. */
  private csrfRefused(request: FastifyRequest, code: string): ForbiddenError {
    this.refusal(request, {
      eventType: 'SUSPICIOUS_ACTIVITY',
      severity: 'MEDIUM',
      violationType: code === 'csrf-token-missing' ? 'CSRF_TOKEN_MISSING' : 'CSRF_TOKEN_INVALID',
      details: { method: 'console-cookie', reason: code },
    });
    return new ForbiddenError(
      'A change made with the console cookie needs the session’s CSRF token in X-CSRF-Token.',
      code,
    );
  }

  /** A refusal by authentication as a security event, with where the request came from. */
  private refusal(
    request: FastifyRequest,
    event: Pick<SecurityEventInput, 'eventType' | 'severity' | 'violationType' | 'details'>,
  ): void {
    this.events.report({
      ...event,
      blocked: true,
      source: 'auth',
      requestId: request.state?.requestId,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
  }

  private challenge(detail?: string): UnauthenticatedError {
    const challenge =
      this.config.authMethod === 'basic'
        ? 'Bearer realm="techsapo", Basic realm="techsapo", charset="UTF-8"'
        : 'Bearer realm="techsapo"';
    return new UnauthenticatedError(detail, challenge);
  }
}
