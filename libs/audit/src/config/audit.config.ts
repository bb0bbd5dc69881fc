import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, ValidateIf } from 'class-validator';
import { commaList, defineConfig, isProduction, IsSecret } from '@techsapo/core';
import { IsBase64Key } from './is-base64-key.validator';

/** DP4: processed data is kept at most 30 days. */
export const MAX_RETENTION_DAYS = 30;

class AuditEnv {
  NODE_ENV: string = 'development';

  /** The current data key: 32 random bytes, base64. Production needs it or a passphrase. */
  @ValidateIf(
    (e: AuditEnv) =>
      e.DATA_ENCRYPTION_KEY !== undefined || (isProduction(e) && !e.DATA_ENCRYPTION_PASSPHRASE),
  )
  @IsSecret(32, {
    message:
      'DATA_ENCRYPTION_KEY (32 bytes, base64) or DATA_ENCRYPTION_PASSPHRASE is required in production',
  })
  @IsBase64Key(32)
  DATA_ENCRYPTION_KEY?: string;

  /** Alternative to the key: derived with PBKDF2-SHA-256, 100 000 iterations, DATA_ENCRYPTION_SALT. */
  @IsOptional() @IsSecret(16) DATA_ENCRYPTION_PASSPHRASE?: string;

  /** 32 bytes, base64, the same on every instance; required in production with a passphrase. */
  @ValidateIf(
    (e: AuditEnv) =>
      e.DATA_ENCRYPTION_SALT !== undefined || (isProduction(e) && !!e.DATA_ENCRYPTION_PASSPHRASE),
  )
  @IsBase64Key(32)
  DATA_ENCRYPTION_SALT?: string;

  /** Earlier keys (base64, comma-separated), still accepted for decryption after a rotation. */
  @IsOptional() @Transform(commaList) @IsBase64Key(32) DATA_ENCRYPTION_OLD_KEYS?: string[];

  /** Earlier passphrases (comma-separated, same salt), still accepted for decryption. */
  @IsOptional()
  @Transform(commaList)
  @IsString({ each: true })
  DATA_ENCRYPTION_OLD_PASSPHRASES?: string[];

  /** Keys the audit chain's HMAC-SHA-256; the same on every instance. */
  @IsSecret(32) AUDIT_HMAC_KEY?: string;

  /** Path prefixes that are not audited. */
  @Transform(commaList) @IsString({ each: true }) AUDIT_EXCLUDE_PATHS: string[] = [
    '/metrics',
    '/health/',
    '/docs',
  ];

  @IsInt() @Min(10) @Max(10000) AUDIT_FLUSH_INTERVAL_MS: number = 250;
  @IsInt() @Min(1) @Max(1000) AUDIT_BATCH_SIZE: number = 100;
  @IsInt() @Min(1000) @Max(1000000) AUDIT_QUEUE_LIMIT: number = 50000;
  /** How long a failing write is retried before the entry goes to stderr instead. */
  @IsInt() @Min(0) AUDIT_WRITE_RETRY_MS: number = 30000;

  /** How often each instance writes a signed checkpoint of the chain's head outside Redis. */
  @IsInt() @Min(1000) AUDIT_CHECKPOINT_INTERVAL_MS: number = 60000;

  @IsInt() @Min(1) @Max(MAX_RETENTION_DAYS) RETENTION_DAYS: number = MAX_RETENTION_DAYS;
  @IsInt() @Min(1000) RETENTION_INTERVAL_MS: number = 3600000;
}

export interface AuditConfig {
  production: boolean;
  encryption: {
    key?: string;
    passphrase?: string;
    salt?: string;
    oldKeys: string[];
    oldPassphrases: string[];
  };
  hmacKey?: string;
  excludePaths: string[];
  flushIntervalMs: number;
  batchSize: number;
  queueLimit: number;
  writeRetryMs: number;
  checkpointIntervalMs: number;
  retentionDays: number;
  retentionIntervalMs: number;
}

export const auditConfig = defineConfig('audit', AuditEnv, (e): AuditConfig => ({
  production: isProduction(e),
  encryption: {
    key: e.DATA_ENCRYPTION_KEY,
    passphrase: e.DATA_ENCRYPTION_PASSPHRASE,
    salt: e.DATA_ENCRYPTION_SALT,
    oldKeys: e.DATA_ENCRYPTION_OLD_KEYS ?? [],
    oldPassphrases: e.DATA_ENCRYPTION_OLD_PASSPHRASES ?? [],
  },
  hmacKey: e.AUDIT_HMAC_KEY,
  excludePaths: e.AUDIT_EXCLUDE_PATHS,
  flushIntervalMs: e.AUDIT_FLUSH_INTERVAL_MS,
  batchSize: e.AUDIT_BATCH_SIZE,
  queueLimit: e.AUDIT_QUEUE_LIMIT,
  writeRetryMs: e.AUDIT_WRITE_RETRY_MS,
  checkpointIntervalMs: e.AUDIT_CHECKPOINT_INTERVAL_MS,
  retentionDays: e.RETENTION_DAYS,
  retentionIntervalMs: e.RETENTION_INTERVAL_MS,
}));
