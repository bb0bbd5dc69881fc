import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { ROLES } from '@techsapo/core';
import { Strategy as JwtStrategy } from 'passport-jwt';
import { securityConfig } from '../../config/security.config';
import type { AccessClaims } from './access-claims';
import { InvalidTokenError } from './invalid-token.error';
import { loadJwtKeys } from './jwt-keys';

/** The callbacks passport gives a strategy for one attempt. */
interface StrategyAttempt {
  authenticate(request: { token: string }, options: object): void;
  success(user: unknown): void;
  fail(info: unknown): void;
  error(error: unknown): void;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/**
 * Signs access tokens and verifies them through passport-jwt: one algorithm only (so `none`
 * and HS/RS confusion are refused), issuer and audience checked, an expiry required, expiry
 * and not-before enforced without tolerance.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  private readonly signer: JwtService;
  private readonly strategy: JwtStrategy;
  private readonly verified = new WeakMap<object, Promise<AccessClaims>>();

  constructor(
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
  ) {
    const { jwt } = config;
    const keys = loadJwtKeys(jwt, this.logger);
    this.signer = new JwtService({
      privateKey: keys.signing,
      signOptions: { algorithm: jwt.algorithm, issuer: jwt.issuer, audience: jwt.audience },
    });
    this.strategy = new JwtStrategy(
      {
        jwtFromRequest: (request: { token?: string }) => request.token ?? null,
        // jsonwebtoken accepts a KeyObject; passport-jwt's types only name string | Buffer.
        secretOrKey: keys.verifying as unknown as string,
        algorithms: [jwt.algorithm],
        issuer: jwt.issuer,
        audience: jwt.audience,
        jsonWebTokenOptions: { clockTolerance: 0 },
      },
      (payload: unknown, done: (error: unknown, user?: unknown) => void) => done(null, payload),
    );
  }

  /** The token lives as long as JWT_EXPIRY allows and never beyond its session. */
  issue(claims: AccessClaims, sessionExpiresAt: number): IssuedToken {
    const left = Math.ceil((sessionExpiresAt - Date.now()) / 1000);
    const expiresIn = Math.max(1, Math.min(this.config.jwt.expirySeconds, left));
    const accessToken = this.signer.sign(
      { sid: claims.sid, roles: claims.roles, name: claims.name },
      { subject: claims.sub, expiresIn, notBefore: 0 },
    );
    return { accessToken, expiresIn };
  }

  /**
   * Verifies once per request: the rate limiter (to name the session) and the authenticator
   * share the result.
   */
  verifyFor(request: object, token: string): Promise<AccessClaims> {
    let verified = this.verified.get(request);
    if (!verified) {
      verified = this.verify(token);
      this.verified.set(request, verified);
    }
    return verified;
  }

  verify(token: string): Promise<AccessClaims> {
    return new Promise<unknown>((resolve, reject) => {
      const attempt = Object.create(this.strategy) as StrategyAttempt;
      attempt.success = resolve;
      attempt.fail = (info) => reject(new InvalidTokenError(reasonOf(info)));
      attempt.error = reject;
      attempt.authenticate({ token }, {});
    }).then((payload) => {
      // jsonwebtoken checks `exp` only when present: a token without one would never end.
      if (!isAccessClaims(payload) || !hasExpiry(payload)) throw new InvalidTokenError('invalid');
      return payload;
    });
  }
}

function reasonOf(info: unknown): 'expired' | 'not-yet-valid' | 'invalid' {
  const name = info instanceof Error ? info.name : '';
  if (name === 'TokenExpiredError') return 'expired';
  if (name === 'NotBeforeError') return 'not-yet-valid';
  return 'invalid';
}

function hasExpiry(payload: object): boolean {
  const { exp } = payload as { exp?: unknown };
  return typeof exp === 'number' && Number.isFinite(exp);
}

function isAccessClaims(value: unknown): value is AccessClaims {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof AccessClaims, unknown>>;
  return (
    typeof v.sub === 'string' &&
    typeof v.sid === 'string' &&
    typeof v.name === 'string' &&
    Array.isArray(v.roles) &&
    v.roles.every((r) => (ROLES as readonly unknown[]).includes(r))
  );
}
