import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { appConfig } from './config/app.config';
import type { ConfigNamespace } from './config/define-config';
import { ReadinessRegistry } from './lifecycle/readiness.registry';
import { RequestLifecycle } from './lifecycle/request-lifecycle';
import { loggerParams } from './logging/logger-options';
import { ScrapeReads } from './metrics/scrape-reads';
import { RedisModule } from './redis/redis.module';

/**
 * Configuration, structured logs, Redis and the process-wide registries every module shares
 * (readiness checks, request completion, gauges read at scrape time). Global because they are
 * cross-cutting: every module reads configuration and logs.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(namespaces: readonly ConfigNamespace[]): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: namespaces.map((n) => n.factory),
        }),
        LoggerModule.forRootAsync({
          inject: [appConfig.factory.KEY],
          useFactory: (app: ConfigType<typeof appConfig.factory>) => loggerParams(app),
        }),
        RedisModule,
      ],
      providers: [ReadinessRegistry, RequestLifecycle, ScrapeReads],
      exports: [ReadinessRegistry, RequestLifecycle, ScrapeReads],
    };
  }
}
