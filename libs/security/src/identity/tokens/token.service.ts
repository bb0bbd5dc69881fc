import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { ROLES } from '@techsapo/core';
import { securityConfig } from '../../config/security.config';
import type { AccessClaims } from './access-claims';
import { InvalidTokenError } from './invalid-token.error';
import { loadJwtKeys } from './jwt-keys';
import { TokenVerificationCache } from './token-verification-cache';

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/**
 * Signs access tokens and verifies them (jsonwebtoken through @nestjs/jwt): one algorithm only
 * (so `none` and HS/RS confusion are refused), issuer and audience checked, an expiry
 * required, expiry and not-before enforced without tolerance. A token's verification is kept
 * by its hash until its expiry (TokenVerificationCache), so its signature is checked once.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  private readonly jwt: JwtService;
  private readonly verified = new WeakMap<object, Promise<AccessClaims>>();
  private readonly cache = new TokenVerificationCache<AccessClaims>();

  constructor(
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
  ) {
    const { jwt } = config;
    const keys = loadJwtKeys(jwt, this.logger);
    this.jwt = new JwtService({
      // jsonwebtoken accepts KeyObjects; @nestjs/jwt's types name string | Buffer only.
      privateKey: keys.signing as unknown as string,
      publicKey: keys.verifying as unknown as string,
      signOptions: { algorithm: jwt.algorithm, issuer: jwt.issuer, audience: jwt.audience },
      verifyOptions: {
        algorithms: [jwt.algorithm],
        issuer: jwt.issuer,
        audience: jwt.audience,
        clockTolerance: 0,
      },
    });
  }

  /** The token lives as long as JWT_EXPIRY allows and never beyond its session. */
  issue(claims: AccessClaims, sessionExpiresAt: number): IssuedToken {
    const left = Math.ceil((sessionExpiresAt - Date.now()) / 1000);
    const expiresIn = Math.max(1, Math.min(this.config.jwt.expirySeconds, left));
    const accessToken = this.jwt.sign(
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
    const kept = this.cache.get(token);
    if (kept) return Promise.resolve(kept);
    let payload: unknown;
    try {
      payload = this.jwt.verify<object>(token);
    } catch (error) {
      return Promise.reject(new InvalidTokenError(reasonOf(error)));
    }
    // jsonwebtoken checks `exp` only when present: a token without one would never end.
    if (!isAccessClaims(payload) || !hasExpiry(payload))
      return Promise.reject(new InvalidTokenError('invalid'));
    this.cache.set(token, payload, payload.exp * 1000);
    return Promise.resolve(payload);
  }
}

function reasonOf(info: unknown): 'expired' | 'not-yet-valid' | 'invalid' {
  const name = info instanceof Error ? info.name : '';
  if (name === 'TokenExpiredError') return 'expired';
  if (name === 'NotBeforeError') return 'not-yet-valid';
  return 'invalid';
}

function hasExpiry<T extends object>(payload: T): payload is T & { exp: number } {
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
