import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecurityConfig } from '../../config/security.config';

export interface JwtKeys {
  signing: string | Buffer;
  verifying: string | Buffer;
}

/**
 * HS256 uses JWT_SECRET (validated ≥ 256 bits in production); in development an unset secret
 * is replaced by a random one for this process, so tokens do not survive a restart and are not
 * shared between instances. RS256/ES256 read PEM key files.
 */
export function loadJwtKeys(jwt: SecurityConfig['jwt'], logger: Logger): JwtKeys {
  if (jwt.algorithm !== 'HS256') {
    return {
      signing: readFileSync(jwt.privateKeyFile ?? ''),
      verifying: readFileSync(jwt.publicKeyFile ?? ''),
    };
  }
  if (jwt.secret) return { signing: jwt.secret, verifying: jwt.secret };
  logger.warn(
    'JWT_SECRET is not set: using a random secret for this process (tokens end with it; set JWT_SECRET for several instances)',
  );
  const secret = randomBytes(32);
  return { signing: secret, verifying: secret };
}
