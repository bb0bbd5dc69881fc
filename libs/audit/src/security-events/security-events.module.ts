import { Global, Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { SECURITY_VIOLATIONS, SecurityEventService } from './security-event.service';

@Global()
@Module({
  providers: [
    makeCounterProvider({
      name: SECURITY_VIOLATIONS,
      help: 'Security violations by type and severity',
      labelNames: ['type', 'severity'],
    }),
    SecurityEventService,
  ],
  exports: [SecurityEventService],
})
export class SecurityEventsModule {}
