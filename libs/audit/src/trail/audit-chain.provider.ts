import { Logger, Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig, RedisService } from '@techsapo/core';
import { CheckpointFile } from '../checkpoints/checkpoint-file';
import { auditConfig } from '../config/audit.config';
import { AuditChain, DEVELOPMENT_AUDIT_KEY } from './audit-chain';
import { AuditStore } from './audit-store';

/** The chain key: AUDIT_HMAC_KEY (required in production), else the public development key. */
export function auditChainFor(hmacKey: string | undefined): AuditChain {
  if (!hmacKey) {
    new Logger(AuditChain.name).warn(
      'AUDIT_HMAC_KEY is unset: the audit chain is keyed with the public development key',
    );
    return new AuditChain(DEVELOPMENT_AUDIT_KEY);
  }
  return new AuditChain(Buffer.from(hmacKey, 'utf8'));
}

export const auditTrailProviders: Provider[] = [
  {
    provide: AuditChain,
    inject: [auditConfig.factory.KEY],
    useFactory: (config: ConfigType<typeof auditConfig.factory>) => auditChainFor(config.hmacKey),
  },
  {
    provide: AuditStore,
    inject: [RedisService],
    useFactory: (redis: RedisService) => new AuditStore(redis),
  },
  {
    provide: CheckpointFile,
    inject: [appConfig.factory.KEY, RedisService],
    useFactory: (app: ConfigType<typeof appConfig.factory>, redis: RedisService) =>
      new CheckpointFile(app.dataDir, redis.key()),
  },
];
