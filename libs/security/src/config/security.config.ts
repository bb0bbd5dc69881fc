import { IsIn, IsInt, IsString, Min } from 'class-validator';
import { defineConfig, IsSecret } from '@techsapo/core';

class SecurityEnv {
  NODE_ENV: string = 'development';
  @IsIn(['jwt', 'basic']) AUTH_METHOD: 'jwt' | 'basic' = 'jwt';
  /** HS256 secret, at least 256 bits. Unset in development: a random one per process. */
  @IsSecret(32) JWT_SECRET?: string;
  @IsInt() @Min(60) JWT_EXPIRY: number = 3600;
  @IsString() JWT_ISSUER: string = 'techsapo';
  @IsString() JWT_AUDIENCE: string = 'techsapo-api';
}

export interface SecurityConfig {
  authMethod: 'jwt' | 'basic';
  jwt: { secret?: string; expirySeconds: number; issuer: string; audience: string };
}

export const securityConfig = defineConfig('security', SecurityEnv, (e): SecurityConfig => ({
  authMethod: e.AUTH_METHOD,
  jwt: {
    secret: e.JWT_SECRET,
    expirySeconds: e.JWT_EXPIRY,
    issuer: e.JWT_ISSUER,
    audience: e.JWT_AUDIENCE,
  },
}));
