import { Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import {
  SECURITY_VIOLATIONS,
  SecurityEventService,
  SELF_MODIFICATION_ATTEMPTS,
} from './security-event.service';

/**
 * Security events (log line, audit entry, metrics). Imported by each module whose providers
 * report what they see: the audit trail (which writes them), identity, the pipeline, the
 * content detector, the read-only runtime and the MCP proxy. One instance: Nest builds a
 * module once, however many import it.
 */
@Module({
  providers: [
    makeCounterProvider({
      name: SECURITY_VIOLATIONS,
      help: 'Security violations by type and severity',
      labelNames: ['type', 'severity'],
    }),
    makeCounterProvider({
      name: SELF_MODIFICATION_ATTEMPTS,
      help: 'Attempt events: what the content detector found trying to change or subvert the service, by channel (source), category (type) and whether blocked',
      labelNames: ['source', 'type', 'blocked'],
    }),
    SecurityEventService,
  ],
  exports: [SecurityEventService],
})
export class SecurityEventsModule {}
