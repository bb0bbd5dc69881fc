import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DetectionModule } from '@techsapo/security';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { AnalysisEngine } from './analysis/analysis.types';
import { usesSimulator, wallBounceEngineConfig } from './config/wall-bounce-engine.config';
import { WallBounceEngine } from './engine/wall-bounce.engine';
import type { UsageListener } from './providers/llm-provider';
import {
  callMetrics,
  LLM_CIRCUIT,
  LLM_COST,
  LLM_DURATION,
  LLM_ERRORS,
  LLM_REQUESTS,
  LLM_TOKENS,
  llmMetricProviders,
  showCircuits,
} from './providers/llm.metrics';
import {
  createProviderRegistry,
  ProviderListeners,
  ProviderRegistry,
} from './providers/provider.registry';
import { simulatedProviders } from './simulator/simulated-providers';
import { SimulatorHost } from './simulator/simulator-host';

/** Development without providers: the bundled simulator answers as three providers. */
async function simulatedRegistry(
  config: ConfigType<typeof wallBounceEngineConfig.factory>,
  host: SimulatorHost,
  listeners: ProviderListeners,
): Promise<ProviderRegistry> {
  const endpoint = await host.start(config.simulator.latencyMs);
  const providers = simulatedProviders(endpoint);
  return createProviderRegistry(
    {
      ...config,
      aggregator: providers[0].name,
      fallbackAggregator: providers[2].name,
      peers: undefined,
    },
    listeners,
    providers,
    endpoint,
  );
}

/**
 * The engine half of wall-bounce: the provider registry (SDK adapters, egress rules, circuit
 * breakers, usage metrics), the simulator in development without providers, and the
 * AnalysisEngine the worker calls. Needs the configuration (CoreModule) and the content
 * detector (DetectionModule, imported here) of the application.
 */
@Module({
  imports: [DetectionModule],
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
        getToken(LLM_REQUESTS),
        getToken(LLM_ERRORS),
        getToken(LLM_DURATION),
        getToken(LLM_CIRCUIT),
      ],
      useFactory: async (
        config: ConfigType<typeof wallBounceEngineConfig.factory>,
        host: SimulatorHost,
        tokens: Counter<string>,
        cost: Counter<string>,
        requests: Counter<string>,
        errors: Counter<string>,
        duration: Histogram<string>,
        circuits: Gauge<string>,
      ): Promise<ProviderRegistry> => {
        const usage: UsageListener = (provider, c) => {
          tokens.inc({ provider, direction: 'input' }, c.inputTokens);
          tokens.inc({ provider, direction: 'output' }, c.outputTokens);
          cost.inc({ provider }, c.costUsd);
        };
        const listeners: ProviderListeners = {
          usage,
          call: callMetrics(requests, errors, duration),
        };
        const registry = usesSimulator(config)
          ? await simulatedRegistry(config, host, listeners)
          : createProviderRegistry(config, listeners);
        showCircuits(circuits, () => registry.states());
        return registry;
      },
    },
    WallBounceEngine,
    { provide: AnalysisEngine, useExisting: WallBounceEngine },
  ],
  exports: [AnalysisEngine, ProviderRegistry, SimulatorHost],
})
export class WallBounceEngineModule {}
