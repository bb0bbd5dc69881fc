import { Global, Module } from '@nestjs/common';
import { getToken, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { ContentDetector } from '@techsapo/detector';
import type { Counter } from 'prom-client';
import { CountedContentDetector, SELF_MODIFICATION_ATTEMPTS } from './counted-content-detector';

/** The one content detector, shared by every channel (requests, LLM answers, MCP). */
@Global()
@Module({
  providers: [
    makeCounterProvider({
      name: SELF_MODIFICATION_ATTEMPTS,
      help: 'Attempts on the service found by the content detector, by channel (source), category (type) and whether blocked',
      labelNames: ['source', 'type', 'blocked'],
    }),
    {
      provide: ContentDetector,
      useFactory: (attempts: Counter<string>) => new CountedContentDetector(attempts),
      inject: [getToken(SELF_MODIFICATION_ATTEMPTS)],
    },
  ],
  exports: [ContentDetector],
})
export class DetectionModule {}
