import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

const SCHEME = 'scrypt';
const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { ...params, maxmem: 64 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/**
 * scrypt (memory-hard, from node:crypto) in a self-describing string:
 * `scrypt$N$r$p$salt$hash`, so parameters can be raised later without breaking old hashes.
 */
@Injectable()
export class PasswordHasher {
  /** Verified against when the user does not exist, so an unknown name costs the same time. */
  private readonly dummy = this.hash(randomBytes(24).toString('base64url'));

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, PARAMS);
    return [
      SCHEME,
      PARAMS.N,
      PARAMS.r,
      PARAMS.p,
      salt.toString('base64url'),
      key.toString('base64url'),
    ].join('$');
  }

  async verify(password: string, encoded: string | undefined): Promise<boolean> {
    const known = encoded !== undefined;
    const parts = (encoded ?? (await this.dummy)).split('$');
    if (parts.length !== 6 || parts[0] !== SCHEME) return false;
    const [, n, r, p, salt, hash] = parts;
    const expected = Buffer.from(hash, 'base64url');
    const actual = await derive(password, Buffer.from(salt, 'base64url'), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    return timingSafeEqual(actual, expected) && known;
  }
}
