import { ConfigurationError, validateEnvironment } from '@techsapo/core';
import { createHash, randomBytes } from 'node:crypto';
import { auditConfig } from '../config/audit.config';
import { DecryptionFailedError } from './decryption-failed.error';
import { EncryptionService } from './encryption.service';
import { deriveKey, keyIdOf } from './key-ring';

const key = (): string => randomBytes(32).toString('base64');
const service = (env: Record<string, string>): EncryptionService =>
  new EncryptionService(auditConfig.read(env));

function failure(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DecryptionFailedError) return error.failure;
    throw error;
  }
  return undefined;
}

/** Flips one bit of the base64url part `index` of an envelope. */
function flip(envelope: string, index: number): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[index], 'base64url');
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('EncryptionService', () => {
  it('fingerprints text under the data key: stable, per purpose, unguessable without the key', () => {
    const dataKey = key();
    const enc = service({ DATA_ENCRYPTION_KEY: dataKey });
    const print = enc.fingerprint('short content', 'analysis-cache');
    expect(print).toMatch(/^[0-9a-f]{64}$/);
    expect(
      service({ DATA_ENCRYPTION_KEY: dataKey }).fingerprint('short content', 'analysis-cache'),
    ).toBe(print);
    expect(enc.fingerprint('short content', 'other-purpose')).not.toBe(print);
    expect(enc.fingerprint('short content.', 'analysis-cache')).not.toBe(print);
    expect(
      service({ DATA_ENCRYPTION_KEY: key() }).fingerprint('short content', 'analysis-cache'),
    ).not.toBe(print);
    expect(print).not.toBe(createHash('sha256').update('short content').digest('hex'));
  });

  it('round-trips text and bytes in AES-256-GCM envelopes carrying the key id, never the plaintext', () => {
    const enc = service({ DATA_ENCRYPTION_KEY: key() });
    const envelope = enc.encrypt('the analysed source code');
    expect(envelope.split('.')).toHaveLength(5);
    expect(envelope.split('.')[1]).toBe(enc.currentKeyId);
    expect(envelope).not.toContain('analysed');
    expect(enc.decryptText(envelope)).toBe('the analysed source code');
    const bytes = randomBytes(100);
    expect(enc.decrypt(enc.encrypt(bytes)).equals(bytes)).toBe(true);
    expect(enc.decryptText(enc.encrypt(''))).toBe('');
    // A fresh IV each time: equal plaintexts give different envelopes.
    expect(enc.encrypt('same')).not.toBe(enc.encrypt('same'));
  });

  it('fails loudly on altered ciphertext, tag, iv or key id, and on garbage', () => {
    const enc = service({ DATA_ENCRYPTION_KEY: key() });
    const envelope = enc.encrypt('confidential result');
    for (const part of [2, 3, 4]) {
      expect(failure(() => enc.decrypt(flip(envelope, part)))).toBe('authentication-failed');
    }
    const parts = envelope.split('.');
    parts[1] = '0'.repeat(16);
    expect(failure(() => enc.decrypt(parts.join('.')))).toBe('unknown-key');
    expect(failure(() => enc.decrypt('not an envelope'))).toBe('malformed-envelope');
    expect(failure(() => enc.decrypt(envelope.slice(0, -3)))).toBe('malformed-envelope');
  });

  it('binds an envelope to its record through the additional data', () => {
    const enc = service({ DATA_ENCRYPTION_KEY: key() });
    const envelope = enc.encrypt('result of an_1', 'an_1');
    expect(enc.decryptText(envelope, 'an_1')).toBe('result of an_1');
    expect(failure(() => enc.decrypt(envelope, 'an_2'))).toBe('authentication-failed');
    expect(failure(() => enc.decrypt(envelope))).toBe('authentication-failed');
  });

  it('rotates: old keys still decrypt, new envelopes use the new key, rotate() re-seals', () => {
    const oldKey = key();
    const before = service({ DATA_ENCRYPTION_KEY: oldKey });
    const old = before.encrypt('kept across rotation', 'rec');
    const after = service({ DATA_ENCRYPTION_KEY: key(), DATA_ENCRYPTION_OLD_KEYS: oldKey });
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    expect(after.decryptText(old, 'rec')).toBe('kept across rotation');
    expect(after.needsRotation(old)).toBe(true);
    const resealed = after.rotate(old, 'rec');
    expect(after.needsRotation(resealed)).toBe(false);
    expect(after.decryptText(resealed, 'rec')).toBe('kept across rotation');
    // Without the old key the data is refused as sealed with an unknown key.
    const forgotten = service({ DATA_ENCRYPTION_KEY: key() });
    expect(failure(() => forgotten.decrypt(old, 'rec'))).toBe('unknown-key');
  });

  it('derives the same key on every instance from a passphrase and salt (PBKDF2-SHA-256, 100 000 iterations)', () => {
    const salt = randomBytes(32).toString('base64');
    const env = {
      DATA_ENCRYPTION_PASSPHRASE: 'a long shared passphrase',
      DATA_ENCRYPTION_SALT: salt,
    };
    const a = service(env);
    const b = service(env);
    expect(a.currentKeyId).toBe(b.currentKeyId);
    expect(a.currentKeyId).toBe(
      keyIdOf(deriveKey(env.DATA_ENCRYPTION_PASSPHRASE, Buffer.from(salt, 'base64'))),
    );
    expect(b.decryptText(a.encrypt('shared'))).toBe('shared');
    const otherSalt = service({ ...env, DATA_ENCRYPTION_SALT: randomBytes(32).toString('base64') });
    expect(failure(() => otherSalt.decrypt(a.encrypt('x')))).toBe('unknown-key');
    const rotated = service({
      DATA_ENCRYPTION_KEY: key(),
      DATA_ENCRYPTION_SALT: salt,
      DATA_ENCRYPTION_OLD_PASSPHRASES: env.DATA_ENCRYPTION_PASSPHRASE,
    });
    expect(rotated.decryptText(a.encrypt('from the passphrase era'))).toBe(
      'from the passphrase era',
    );
  });

  it('uses a stable development key when nothing is configured', () => {
    const a = service({});
    expect(service({}).decryptText(a.encrypt('dev'))).toBe('dev');
  });

  it('refuses to boot in production without a real key, and accepts a key or a passphrase with its salt', () => {
    const prod = { NODE_ENV: 'production' };
    expect(() => validateEnvironment(prod, [auditConfig])).toThrow(ConfigurationError);
    expect(() =>
      validateEnvironment({ ...prod, DATA_ENCRYPTION_KEY: 'not-base64-or-32-bytes' }, [
        auditConfig,
      ]),
    ).toThrow(/DATA_ENCRYPTION_KEY/);
    expect(() =>
      validateEnvironment({ ...prod, DATA_ENCRYPTION_PASSPHRASE: 'a long shared passphrase' }, [
        auditConfig,
      ]),
    ).toThrow(/DATA_ENCRYPTION_SALT/);
    expect(() =>
      validateEnvironment({ ...prod, DATA_ENCRYPTION_KEY: key(), AUDIT_HMAC_KEY: key() }, [
        auditConfig,
      ]),
    ).not.toThrow();
    expect(() =>
      validateEnvironment(
        {
          ...prod,
          DATA_ENCRYPTION_PASSPHRASE: 'a long shared passphrase',
          DATA_ENCRYPTION_SALT: key(),
          AUDIT_HMAC_KEY: key(),
        },
        [auditConfig],
      ),
    ).not.toThrow();
    expect(() =>
      validateEnvironment({ ...prod, DATA_ENCRYPTION_KEY: key() }, [auditConfig]),
    ).toThrow(/AUDIT_HMAC_KEY/);
    expect(() => validateEnvironment({ RETENTION_DAYS: '31' }, [auditConfig])).toThrow(
      /RETENTION_DAYS/,
    );
    expect(() => validateEnvironment({}, [auditConfig])).not.toThrow();
  });
});
