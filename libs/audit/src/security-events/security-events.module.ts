import { Global, Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import {
  SECURITY_VIOLATIONS,
  SecurityEventService,
  SELF_MODIFICATION_ATTEMPTS,
} from './security-event.service';

/**
 * Security events (log line, audit entry, metrics). Global: every capability reports the
 * attacks and violations it sees, so every module would otherwise import it.
 */
@Global()
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
