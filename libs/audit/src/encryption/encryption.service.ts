import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { auditConfig } from '../config/audit.config';
import { DecryptionFailedError } from './decryption-failed.error';
import { buildKeyRing, KeyRing } from './key-ring';

const VERSION = 'tse1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE =
  /^tse1\.([0-9a-f]{16})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

/**
 * Encryption at rest (DP1): AES-256-GCM envelopes `tse1.<keyId>.<iv>.<ciphertext>.<tag>`
 * (base64url parts). The key id selects the key on decryption, so old keys keep working
 * after a rotation. The optional `aad` (e.g. the record id) is authenticated, not stored:
 * an envelope copied onto another record does not decrypt.
 */
@Injectable()
export class EncryptionService {
  private readonly logger = new Logger(EncryptionService.name);
  private readonly ring: KeyRing;
  private readonly fingerprintKeys = new Map<string, Buffer>();

  constructor(@Inject(auditConfig.factory.KEY) config: ConfigType<typeof auditConfig.factory>) {
    this.ring = buildKeyRing(config.encryption);
    if (this.ring.source === 'development-default') {
      this.logger.warn(
        'DATA_ENCRYPTION_KEY and DATA_ENCRYPTION_PASSPHRASE are unset: stored data is encrypted with the public development key',
      );
    } else if (this.ring.source === 'passphrase' && !config.encryption.salt) {
      this.logger.warn(
        'DATA_ENCRYPTION_SALT is unset: the passphrase is salted with the public development salt',
      );
    }
  }

  /**
   * A keyed fingerprint of `text` for lookups that must not reveal what they index (a plain
   * hash would let anyone reading Redis confirm a guess): HMAC-SHA256 under a key derived
   * from the current data key for this `purpose`. It changes when the data key rotates.
   */
  fingerprint(text: string, purpose: string): string {
    const { id, key } = this.ring.current;
    const name = `${id}:${purpose}`;
    let subkey = this.fingerprintKeys.get(name);
    if (!subkey) {
      subkey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `fingerprint:${purpose}`, 32));
      this.fingerprintKeys.set(name, subkey);
    }
    return createHmac('sha256', subkey).update(text).digest('hex');
  }

  /** Id of the key new envelopes are sealed with. */
  get currentKeyId(): string {
    return this.ring.current.id;
  }

  encrypt(plaintext: string | Buffer, aad?: string): string {
    const { id, key } = this.ring.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(id, aad));
    const data = Buffer.concat([
      cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext),
      cipher.final(),
    ]);
    return [VERSION, id, b64(iv), b64(data), b64(cipher.getAuthTag())].join('.');
  }

  /** Throws DecryptionFailedError when the envelope is malformed, its key unknown, or it was altered. */
  decrypt(envelope: string, aad?: string): Buffer {
    const parts = ENVELOPE.exec(envelope);
    if (!parts) throw new DecryptionFailedError('malformed-envelope');
    const [, id, iv, data, tag] = parts;
    const dataKey = this.ring.byId.get(id);
    if (!dataKey) throw new DecryptionFailedError('unknown-key', id);
    try {
      const decipher = createDecipheriv('aes-256-gcm', dataKey.key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(additionalData(id, aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
    } catch {
      throw new DecryptionFailedError('authentication-failed', id);
    }
  }

  decryptText(envelope: string, aad?: string): string {
    return this.decrypt(envelope, aad).toString('utf8');
  }

  isEnvelope(value: unknown): value is string {
    return typeof value === 'string' && ENVELOPE.test(value);
  }

  /** True when the envelope was sealed with an older key (re-encrypt it to finish a rotation). */
  needsRotation(envelope: string): boolean {
    return ENVELOPE.exec(envelope)?.[1] !== this.ring.current.id;
  }

  /** Re-seals an envelope with the current key (same aad). */
  rotate(envelope: string, aad?: string): string {
    return this.needsRotation(envelope) ? this.encrypt(this.decrypt(envelope, aad), aad) : envelope;
  }
}

/** The version and key id are authenticated too, so neither can be swapped. */
function additionalData(keyId: string, aad: string | undefined): Buffer {
  return Buffer.from(`${VERSION}.${keyId}\0${aad ?? ''}`, 'utf8');
}

function b64(buffer: Buffer): string {
  return buffer.toString('base64url');
}
