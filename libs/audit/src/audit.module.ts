import { Global, Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { AuditCheckpointer } from './checkpoints/audit-checkpointer';
import { CheckpointFile } from './checkpoints/checkpoint-file';
import { EncryptionService } from './encryption/encryption.service';
import { RetentionLockStore } from './retention/retention-lock.store';
import { RetentionJob } from './retention/retention.job';
import { RetentionRegistry } from './retention/retention.registry';
import { SecurityEventsModule } from './security-events/security-events.module';
import { AuditChain } from './trail/audit-chain';
import { auditTrailProviders } from './trail/audit-chain.provider';
import { AUDIT_ENTRIES_FAILED, AuditRecorder } from './trail/audit-recorder';
import { AuditStore } from './trail/audit-store';
import { AuditTrailService } from './trail/audit-trail.service';
import { AuditWriter, auditWriterMetricProviders } from './trail/audit-writer';

/**
 * The audit capability, in every process role: security events, the tamper-evident audit
 * trail of every call, encryption at rest, and retention. Global: the trail is written for
 * every call of every role, and encryption at rest serves every library's stores.
 */
@Global()
@Module({
  imports: [SecurityEventsModule],
  providers: [
    ...auditWriterMetricProviders,
    makeCounterProvider({
      name: AUDIT_ENTRIES_FAILED,
      help: 'Audit entries that could not be built in full (a minimal entry was written instead)',
    }),
    ...auditTrailProviders,
    EncryptionService,
    AuditWriter,
    AuditRecorder,
    AuditTrailService,
    AuditCheckpointer,
    RetentionRegistry,
    RetentionLockStore,
    RetentionJob,
  ],
  exports: [
    EncryptionService,
    AuditChain,
    AuditStore,
    AuditWriter,
    AuditTrailService,
    AuditCheckpointer,
    CheckpointFile,
    RetentionRegistry,
    RetentionJob,
  ],
})
export class AuditModule {}
