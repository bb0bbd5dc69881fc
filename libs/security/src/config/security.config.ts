import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { defineConfig, isProduction, IsSecret } from '@techsapo/core';
import { NotInProduction } from './not-in-production.validator';

export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

class SecurityEnv {
  NODE_ENV: string = 'development';
  /** Basic is a development convenience: refused at boot in production. */
  @IsIn(['jwt', 'basic'])
  @NotInProduction('basic')
  AUTH_METHOD: 'jwt' | 'basic' = 'jwt';
  @IsIn(JWT_ALGORITHMS) JWT_ALGORITHM: JwtAlgorithm = 'HS256';
  /** HS256 secret, at least 256 bits. Unset in development: a random one per process. */
  @ValidateIf((e: SecurityEnv) => e.JWT_ALGORITHM === 'HS256')
  @IsSecret(32)
  JWT_SECRET?: string;
  /** PEM files for RS256/ES256: the private key signs, the public key verifies. */
  @ValidateIf((e: SecurityEnv) => e.JWT_ALGORITHM !== 'HS256')
  @IsString({ message: 'is required for RS256/ES256' })
  JWT_PRIVATE_KEY_FILE?: string;
  @ValidateIf((e: SecurityEnv) => e.JWT_ALGORITHM !== 'HS256')
  @IsString({ message: 'is required for RS256/ES256' })
  JWT_PUBLIC_KEY_FILE?: string;
  @IsInt() @Min(60) JWT_EXPIRY: number = 3600;
  @IsString() JWT_ISSUER: string = 'techsapo';
  @IsString() JWT_AUDIENCE: string = 'techsapo-api';

  @IsInt() @Min(1) SESSION_TTL_SECONDS: number = 3600;
  @IsInt() @Min(1) SESSION_IDLE_SECONDS: number = 900;
  @IsInt() @Min(1) @Max(100) SESSION_MAX_PER_USER: number = 5;

  /** The first admin, created at first start when no admin exists. */
  @IsString() @MinLength(3) ADMIN_USERNAME: string = 'admin';
  @IsOptional() @IsString() @MinLength(12) ADMIN_PASSWORD?: string;

  @IsInt() @Min(1) RATE_LIMIT_BURST: number = 20;
  @IsInt() @Min(1) RATE_LIMIT_PER_MINUTE: number = 100;
  @IsInt() @Min(1) RATE_LIMIT_PER_HOUR: number = 2000;

  /**
   * An OpenID Connect issuer whose access tokens are accepted too (beside our own JWTs and API
   * keys): its JWKS is found through its discovery document. Unset: none.
   */
  @IsOptional()
  @IsString()
  @ValidateIf(isProduction)
  @Matches(/^https:\/\//, { message: 'OIDC_ISSUER must be an https URL in production' })
  OIDC_ISSUER?: string;
  /** The audience those tokens must carry: this resource (default: PUBLIC_URL + /mcp). */
  @IsOptional() @IsString() OIDC_AUDIENCE?: string;
  /** The claim that lists the roles (admin, analyst, ci, viewer); none of them: viewer. */
  @IsString() OIDC_ROLES_CLAIM: string = 'roles';
  @IsString() PUBLIC_URL: string = '';

  @IsInt() @Min(1) LOGIN_MAX_FAILURES: number = 5;
  @IsInt() @Min(1) LOGIN_FAILURE_WINDOW_SECONDS: number = 900;
  @IsInt() @Min(1) LOGIN_BAN_SECONDS: number = 900;
}

export interface SecurityConfig {
  production: boolean;
  authMethod: 'jwt' | 'basic';
  jwt: {
    algorithm: JwtAlgorithm;
    secret?: string;
    privateKeyFile?: string;
    publicKeyFile?: string;
    expirySeconds: number;
    issuer: string;
    audience: string;
  };
  sessions: { ttlSeconds: number; idleSeconds: number; maxPerUser: number };
  admin: { username: string; password?: string };
  rateLimit: { burst: number; perMinute: number; perHour: number };
  loginBan: { maxFailures: number; windowSeconds: number; banSeconds: number };
  /** Tokens of an external OpenID Connect issuer, bound to this resource (RFC 9728). */
  oidc?: { issuer: string; audience: string; rolesClaim: string };
  /** Where clients reach this service (for the resource metadata), '' when unknown. */
  publicUrl: string;
}

export const securityConfig = defineConfig('security', SecurityEnv, (e): SecurityConfig => ({
  production: isProduction(e),
  authMethod: e.AUTH_METHOD,
  jwt: {
    algorithm: e.JWT_ALGORITHM,
    secret: e.JWT_SECRET,
    privateKeyFile: e.JWT_PRIVATE_KEY_FILE,
    publicKeyFile: e.JWT_PUBLIC_KEY_FILE,
    expirySeconds: e.JWT_EXPIRY,
    issuer: e.JWT_ISSUER,
    audience: e.JWT_AUDIENCE,
  },
  sessions: {
    ttlSeconds: e.SESSION_TTL_SECONDS,
    idleSeconds: e.SESSION_IDLE_SECONDS,
    maxPerUser: e.SESSION_MAX_PER_USER,
  },
  admin: { username: e.ADMIN_USERNAME, password: e.ADMIN_PASSWORD },
  rateLimit: {
    burst: e.RATE_LIMIT_BURST,
    perMinute: e.RATE_LIMIT_PER_MINUTE,
    perHour: e.RATE_LIMIT_PER_HOUR,
  },
  loginBan: {
    maxFailures: e.LOGIN_MAX_FAILURES,
    windowSeconds: e.LOGIN_FAILURE_WINDOW_SECONDS,
    banSeconds: e.LOGIN_BAN_SECONDS,
  },
  oidc: e.OIDC_ISSUER
    ? {
        issuer: e.OIDC_ISSUER.replace(/\/$/, ''),
        audience: e.OIDC_AUDIENCE ?? `${e.PUBLIC_URL.replace(/\/$/, '')}/mcp`,
        rolesClaim: e.OIDC_ROLES_CLAIM,
      }
    : undefined,
  publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
}));
