import { createHash, pbkdf2Sync } from 'node:crypto';
import type { AuditConfig } from '../config/audit.config';

/** DP1: PBKDF2-SHA-256 with 100 000 iterations and a 32-byte salt gives a 256-bit key. */
export const PBKDF2_ITERATIONS = 100_000;
export const KEY_BYTES = 32;

/** Development only: a fixed, public salt and passphrase, so restarts can read earlier data. */
const DEVELOPMENT_SALT = createHash('sha256').update('techsapo:development-salt').digest();
const DEVELOPMENT_PASSPHRASE = 'techsapo development data key - not for production';

export interface DataKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  current: DataKey;
  /** Every key accepted for decryption by id, the current one included. */
  byId: ReadonlyMap<string, DataKey>;
  source: 'key' | 'passphrase' | 'development-default';
}

export function deriveKey(passphrase: string, salt: Buffer): Buffer {
  return pbkdf2Sync(passphrase, salt, PBKDF2_ITERATIONS, KEY_BYTES, 'sha256');
}

/**
 * A key's id is a fingerprint of the key itself: every instance names the same key the same
 * way with nothing more to configure, and the id reveals nothing useful about the key.
 */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256')
    .update('techsapo:data-key-id\0')
    .update(key)
    .digest('hex')
    .slice(0, 16);
}

function dataKey(key: Buffer): DataKey {
  return { id: keyIdOf(key), key };
}

/** The current key (DATA_ENCRYPTION_KEY, else the passphrase's, else the development one) and old keys. */
export function buildKeyRing(config: AuditConfig['encryption']): KeyRing {
  const salt = config.salt ? Buffer.from(config.salt, 'base64') : DEVELOPMENT_SALT;
  let current: DataKey;
  let source: KeyRing['source'];
  if (config.key) {
    current = dataKey(Buffer.from(config.key, 'base64'));
    source = 'key';
  } else if (config.passphrase) {
    current = dataKey(deriveKey(config.passphrase, salt));
    source = 'passphrase';
  } else {
    current = dataKey(deriveKey(DEVELOPMENT_PASSPHRASE, DEVELOPMENT_SALT));
    source = 'development-default';
  }
  const byId = new Map<string, DataKey>([[current.id, current]]);
  for (const old of config.oldKeys) {
    const k = dataKey(Buffer.from(old, 'base64'));
    if (!byId.has(k.id)) byId.set(k.id, k);
  }
  for (const passphrase of config.oldPassphrases) {
    const k = dataKey(deriveKey(passphrase, salt));
    if (!byId.has(k.id)) byId.set(k.id, k);
  }
  return { current, byId, source };
}
