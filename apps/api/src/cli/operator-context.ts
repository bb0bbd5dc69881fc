import { DynamicModule, INestApplicationContext, Module, Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { appConfig, ConfigNamespace, redisConfig, RedisService } from '@techsapo/core';

/**
 * What every operator command stands on: the configuration namespaces it reads, from the
 * environment as the service reads them, and Redis. No HTTP, no queues, no pipeline.
 */
@Module({})
class OperatorCoreModule {
  static forRoot(namespaces: readonly ConfigNamespace[]): DynamicModule {
    return {
      module: OperatorCoreModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [redisConfig, appConfig, ...namespaces].map((n) => n.factory),
        }),
      ],
      providers: [RedisService],
      exports: [RedisService],
    };
  }
}

/**
 * An application context for an operator command (`npm run security:report`, …): the
 * command's own providers, built by Nest's DI as the service builds them. Only errors are
 * logged (to stderr): stdout is the command's output. Close it to end the Redis connections.
 */
export function operatorContext(
  namespaces: readonly ConfigNamespace[],
  providers: Provider[],
): Promise<INestApplicationContext> {
  @Module({ imports: [OperatorCoreModule.forRoot(namespaces)], providers })
  class OperatorCommandModule {}
  return NestFactory.createApplicationContext(OperatorCommandModule, {
    logger: ['error', 'fatal'],
    abortOnError: false,
  });
}
