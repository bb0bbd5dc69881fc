import { Logger } from '@nestjs/common';
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecurityConfig } from '../../config/security.config';

/**
 * Prepared key objects: jsonwebtoken would otherwise re-parse a string secret on every
 * verification (a failed public-key parse first), which dominated the request path.
 */
export interface JwtKeys {
  signing: KeyObject;
  verifying: KeyObject;
}

/**
 * HS256 uses JWT_SECRET (validated ≥ 256 bits in production); in development an unset secret
 * is replaced by a random one for this process, so tokens do not survive a restart and are not
 * shared between instances. RS256/ES256 read PEM key files.
 */
export function loadJwtKeys(jwt: SecurityConfig['jwt'], logger: Logger): JwtKeys {
  if (jwt.algorithm !== 'HS256') {
    return {
      signing: createPrivateKey(readFileSync(jwt.privateKeyFile ?? '')),
      verifying: createPublicKey(readFileSync(jwt.publicKeyFile ?? '')),
    };
  }
  if (jwt.secret) {
    const key = createSecretKey(Buffer.from(jwt.secret));
    return { signing: key, verifying: key };
  }
  logger.warn(
    'JWT_SECRET is not set: using a random secret for this process (tokens end with it; set JWT_SECRET for several instances)',
  );
  const key = createSecretKey(randomBytes(32));
  return { signing: key, verifying: key };
}
