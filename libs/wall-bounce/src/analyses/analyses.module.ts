import { BullModule } from '@nestjs/bull';
import { Module, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ReadinessRegistry, RedisService } from '@techsapo/core';
import { BudgetStore } from '../budgets/budget.store';
import { BudgetsService } from '../budgets/budgets.service';
import { analysesConfig } from '../config/analyses.config';
import { AnalysisEvents } from '../events/analysis-events';
import { AnalysisEventsStore } from '../events/analysis-events.store';
import { ANALYSIS_QUEUE } from '../queue/analysis-job';
import { queueLengthProvider } from '../queue/analysis-metrics';
import { AnalysisQueue } from '../queue/analysis-queue';
import { BullAnalysisQueue } from '../queue/bull-analysis-queue';
import { AnalysisStore } from '../store/analysis.store';
import { ProviderRegistry } from '../providers/provider.registry';
import { OwnerDirectory } from '../usage/owner-directory';
import { UsageLedgerStore } from '../usage/usage-ledger.store';
import { UsageService } from '../usage/usage.service';
import { WallBounceEngineModule } from '../wall-bounce-engine.module';
import { AnalysesService } from './analyses.service';
import { AnalysisProfiles } from './analysis-profiles';

/**
 * Analyses in every role that touches them: the encrypted store, progress events, the queue
 * (producing in `api`, also consuming in `worker`, see AnalysisWorkerModule), the usage ledger
 * and daily budgets, and the service.
 */
@Module({
  imports: [
    // The provider registry: /health/ready, and the names a request may choose (the worker
    // role also runs the engine).
    WallBounceEngineModule,
    BullModule.registerQueueAsync({
      name: ANALYSIS_QUEUE,
      inject: [RedisService, analysesConfig.factory.KEY],
      useFactory: (redis: RedisService, config: ConfigType<typeof analysesConfig.factory>) => ({
        // All keys of one Bull queue share a slot: the prefix carries the hash tag.
        prefix: redis.queuePrefix(ANALYSIS_QUEUE),
        createClient: (type) => redis.createBullConnection(type),
        settings: {
          lockDuration: config.lockDurationMs,
          lockRenewTime: Math.floor(config.lockDurationMs / 2),
          stalledInterval: config.stalledIntervalMs,
          // A job whose worker died twice is still retried; a third time it fails.
          maxStalledCount: 2,
        },
      }),
    }),
  ],
  providers: [
    AnalysisStore,
    AnalysisEventsStore,
    AnalysisEvents,
    BullAnalysisQueue,
    { provide: AnalysisQueue, useExisting: BullAnalysisQueue },
    UsageLedgerStore,
    OwnerDirectory,
    UsageService,
    BudgetStore,
    BudgetsService,
    AnalysesService,
    AnalysisProfiles,
    queueLengthProvider,
  ],
  exports: [
    WallBounceEngineModule,
    AnalysisStore,
    AnalysisEvents,
    AnalysisQueue,
    UsageService,
    BudgetsService,
    AnalysesService,
    AnalysisProfiles,
  ],
})
export class AnalysesModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly queue: AnalysisQueue,
    private readonly providers: ProviderRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register('queue', async () => {
      const counts = await this.queue.counts();
      return { ok: true, detail: { queue: ANALYSIS_QUEUE, ...counts } };
    });
    this.readiness.register('providers', () => Promise.resolve(this.providers.readiness()));
  }
}
