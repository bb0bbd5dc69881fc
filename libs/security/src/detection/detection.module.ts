import { Module } from '@nestjs/common';
import { SecurityEventsModule } from '@techsapo/audit';
import type { ConfigType } from '@nestjs/config';
import { appConfig, redisConfig } from '@techsapo/core';
import { ContentDetector, type SelfTargets } from '@techsapo/detector';
import { codeRoot } from '../runtime/code-root';
import { AttemptReporter } from './attempt-reporter';
import { serviceSelfTargets } from './service-self-targets';

type AppConfig = ConfigType<typeof appConfig.factory>;
type RedisConfig = ConfigType<typeof redisConfig.factory>;

/** What TechSapo itself is where it runs, with what the loaded configuration namespaces say. */
export function runningSelfTargets(app?: AppConfig, redis?: RedisConfig): SelfTargets {
  return serviceSelfTargets({
    codeRoot: codeRoot(),
    dataDir: app?.dataDir,
    redisKeyPrefix: redis?.keyPrefix,
    processTitle: process.title,
  });
}

/**
 * The one content detector, shared by every channel (requests, LLM answers, MCP), built with
 * what TechSapo itself is where it runs (its folders, data, Redis key prefix, process names),
 * and the one way its attempts are reported (AttemptReporter, through the security events,
 * imported here). The configuration namespaces are optional: a module that loads only some of
 * them still gets a detector, with the targets it can know. Not global: the modules that scan
 * content (the request pipeline, the wall-bounce engine, the MCP proxy) import it.
 */
@Module({
  imports: [SecurityEventsModule],
  providers: [
    {
      provide: ContentDetector,
      useFactory: (app?: AppConfig, redis?: RedisConfig) =>
        new ContentDetector({ selfTargets: runningSelfTargets(app, redis) }),
      inject: [
        { token: appConfig.factory.KEY, optional: true },
        { token: redisConfig.factory.KEY, optional: true },
      ],
    },
    AttemptReporter,
  ],
  exports: [ContentDetector, AttemptReporter],
})
export class DetectionModule {}
