import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig, redisConfig } from '@techsapo/core';
import { ContentDetector } from '@techsapo/detector';
import { getToken, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { codeRoot } from '../runtime/code-root';
import { CountedContentDetector, SELF_MODIFICATION_ATTEMPTS } from './counted-content-detector';
import { serviceSelfTargets } from './service-self-targets';

/**
 * The one content detector, shared by every channel (requests, LLM answers, MCP), built with
 * what TechSapo itself is where it runs (its folders, data, Redis key prefix, process names).
 * The configuration namespaces are optional: a module that loads only some of them still
 * gets a detector, with the targets it can know.
 */
@Global()
@Module({
  providers: [
    makeCounterProvider({
      name: SELF_MODIFICATION_ATTEMPTS,
      help: 'Attempts on the service itself found by the content detector, by channel (source), category (type) and whether blocked',
      labelNames: ['source', 'type', 'blocked'],
    }),
    {
      provide: ContentDetector,
      useFactory: (
        attempts: Counter<string>,
        app?: ConfigType<typeof appConfig.factory>,
        redis?: ConfigType<typeof redisConfig.factory>,
      ) =>
        new CountedContentDetector(attempts, {
          selfTargets: serviceSelfTargets({
            codeRoot: codeRoot(),
            dataDir: app?.dataDir,
            redisKeyPrefix: redis?.keyPrefix,
            processTitle: process.title,
          }),
        }),
      inject: [
        getToken(SELF_MODIFICATION_ATTEMPTS),
        { token: appConfig.factory.KEY, optional: true },
        { token: redisConfig.factory.KEY, optional: true },
      ],
    },
  ],
  exports: [ContentDetector],
})
export class DetectionModule {}
