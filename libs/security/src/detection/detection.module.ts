import { Global, Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { ContentDetector, SELF_MODIFICATION_ATTEMPTS } from './content-detector';

/** The one content detector, shared by every channel (requests, LLM answers, MCP). */
@Global()
@Module({
  providers: [
    makeCounterProvider({
      name: SELF_MODIFICATION_ATTEMPTS,
      help: 'Content-detector findings by channel (source), category (type) and whether blocked',
      labelNames: ['source', 'type', 'blocked'],
    }),
    ContentDetector,
  ],
  exports: [ContentDetector],
})
export class DetectionModule {}
