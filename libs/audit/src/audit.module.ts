import { Global, Module } from '@nestjs/common';
import { EncryptionService } from './encryption/encryption.service';
import { SecurityEventsModule } from './security-events/security-events.module';

/** The audit capability for every process role: security events and encryption at rest. */
@Global()
@Module({
  imports: [SecurityEventsModule],
  providers: [EncryptionService],
  exports: [SecurityEventsModule, EncryptionService],
})
export class AuditModule {}
