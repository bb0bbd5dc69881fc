import type { ReadinessResult } from '@techsapo/core';
import { isHostAllowed, isLoopbackHost } from '../config/allowed-hosts';
import type { ProviderConfig, WallBounceEngineConfig } from '../config/wall-bounce-engine.config';
import { UnknownProviderError } from '../errors/unknown-provider.error';
import { AnthropicMessagesClient } from './clients/anthropic-messages.client';
import { OpenAiChatClient } from './clients/openai-chat.client';
import { egressFetch } from './egress/egress-fetch';
import { CallListener, LlmProvider, UsageListener } from './llm-provider';
import type { ProviderState, WireClient } from './provider.types';

/**
 * The configured providers, each behind its SDK, egress rules and circuit breaker; which of
 * them are the peers, the aggregator and the fallback; and their states for /health/ready.
 */
export class ProviderRegistry {
  private readonly byName: Map<string, LlmProvider>;

  constructor(
    readonly providers: LlmProvider[],
    private readonly roles: { aggregator?: string; fallbackAggregator?: string; peers?: string[] },
  ) {
    this.byName = new Map(providers.map((p) => [p.name, p]));
  }

  get simulated(): boolean {
    return this.providers.some((p) => p.config.simulated);
  }

  names(): string[] {
    return this.providers.map((p) => p.name);
  }

  get(name: string): LlmProvider | undefined {
    return this.byName.get(name);
  }

  /** The peers for a request: the names it gives, else WALL_BOUNCE_PEERS, else every provider. */
  peersFor(requested?: string[]): LlmProvider[] {
    const names = requested?.length ? [...new Set(requested)] : (this.roles.peers ?? this.names());
    const unknown = names.filter((n) => !this.byName.has(n));
    if (unknown.length) throw new UnknownProviderError(unknown);
    return names.map((n) => this.byName.get(n) as LlmProvider);
  }

  /** Aggregator first, then the fallback aggregator (each at most once). */
  aggregators(): LlmProvider[] {
    const names = [this.roles.aggregator ?? this.providers[0]?.name, this.roles.fallbackAggregator];
    return [...new Set(names)].flatMap((n) =>
      n && this.byName.has(n) ? [this.byName.get(n) as LlmProvider] : [],
    );
  }

  states(): ProviderState[] {
    return this.providers.map((p) => p.state());
  }

  /** Ready while at least two providers have a circuit that is not open. */
  readiness(): ReadinessResult {
    const states = this.states();
    const usable = states.filter((s) => s.circuit !== 'open').length;
    return {
      ok: usable >= 2,
      detail: {
        usable,
        simulated: this.simulated,
        providers: states.map((s) => ({ name: s.name, model: s.model, circuit: s.circuit })),
      },
    };
  }
}

/** Where the development simulator listens, and the key it expects. */
export interface SimulatorEndpoint {
  url: string;
  apiKey: string;
}

/** What the registry's providers report: priced usage, and how each call ended. */
export interface ProviderListeners {
  usage: UsageListener;
  call?: CallListener;
}

export function createProviderRegistry(
  config: WallBounceEngineConfig,
  listeners: ProviderListeners,
  providers: ProviderConfig[] = config.providers,
  simulator?: SimulatorEndpoint,
): ProviderRegistry {
  const policy = {
    circuitFailures: config.circuit.failures,
    circuitResetMs: config.circuit.resetMs,
    retryAfterMaxMs: config.retryAfterMaxMs,
  };
  const built = providers.map((p) => {
    const allows = (url: URL): boolean => {
      if (p.simulated && simulator) return url.origin === new URL(simulator.url).origin;
      if (config.production && isLoopbackHost(url.hostname)) return false;
      return isHostAllowed(url.hostname, config.allowedHosts);
    };
    const fetch = egressFetch({ allows });
    const client: WireClient =
      p.kind === 'anthropic'
        ? new AnthropicMessagesClient(p, fetch)
        : new OpenAiChatClient(p, fetch);
    return new LlmProvider(p, client, policy, listeners.usage, listeners.call);
  });
  return new ProviderRegistry(built, {
    aggregator: config.aggregator,
    fallbackAggregator: config.fallbackAggregator,
    peers: config.peers,
  });
}
