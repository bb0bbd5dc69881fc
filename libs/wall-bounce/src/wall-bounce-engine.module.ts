import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { AnalysisEngine } from './analysis/analysis.types';
import { usesSimulator, wallBounceEngineConfig } from './config/wall-bounce-engine.config';
import { WallBounceEngine } from './engine/wall-bounce.engine';
import type { UsageListener } from './providers/llm-provider';
import { LLM_COST, LLM_TOKENS, llmMetricProviders } from './providers/llm.metrics';
import { createProviderRegistry, ProviderRegistry } from './providers/provider.registry';
import { simulatedProviders } from './simulator/simulated-providers';
import { SimulatorHost } from './simulator/simulator-host';

/**
 * The engine half of wall-bounce: the provider registry (SDK adapters, egress rules, circuit
 * breakers, usage metrics), the simulator in development without providers, and the
 * AnalysisEngine the worker calls. Needs the configuration (CoreModule) and the content
 * detector (DetectionModule, global) of the application.
 */
@Module({
  providers: [
    ...llmMetricProviders,
    SimulatorHost,
    {
      provide: ProviderRegistry,
      inject: [
        wallBounceEngineConfig.factory.KEY,
        SimulatorHost,
        getToken(LLM_TOKENS),
        getToken(LLM_COST),
      ],
      useFactory: async (
        config: ConfigType<typeof wallBounceEngineConfig.factory>,
        host: SimulatorHost,
        tokens: Counter<string>,
        cost: Counter<string>,
      ): Promise<ProviderRegistry> => {
        const onUsage: UsageListener = (provider, c) => {
          tokens.inc({ provider, direction: 'input' }, c.inputTokens);
          tokens.inc({ provider, direction: 'output' }, c.outputTokens);
          cost.inc({ provider }, c.costUsd);
        };
        if (!usesSimulator(config)) return createProviderRegistry(config, onUsage);
        const endpoint = await host.start(config.simulator.latencyMs);
        const providers = simulatedProviders(endpoint);
        return createProviderRegistry(
          {
            ...config,
            aggregator: providers[0].name,
            fallbackAggregator: providers[2].name,
            peers: undefined,
          },
          onUsage,
          providers,
          endpoint,
        );
      },
    },
    WallBounceEngine,
    { provide: AnalysisEngine, useExisting: WallBounceEngine },
  ],
  exports: [AnalysisEngine, ProviderRegistry, SimulatorHost],
})
export class WallBounceEngineModule {}
