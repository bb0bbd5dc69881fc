import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { CallListener } from './llm-provider';
import type { CircuitState, ProviderState } from './provider.types';

export const LLM_TOKENS = 'techsapo_llm_tokens_total';
export const LLM_COST = 'techsapo_llm_cost_usd_total';
export const LLM_REQUESTS = 'techsapo_llm_provider_requests_total';
export const LLM_ERRORS = 'techsapo_llm_provider_errors_total';
export const LLM_DURATION = 'techsapo_llm_provider_duration_seconds';
export const LLM_CIRCUIT = 'techsapo_llm_provider_circuit_state';

const CIRCUIT_STATES: CircuitState[] = ['closed', 'half-open', 'open'];

export const llmMetricProviders = [
  makeCounterProvider({
    name: LLM_TOKENS,
    help: 'LLM tokens by provider and direction (input, output), from the providers usage fields',
    labelNames: ['provider', 'direction'],
  }),
  makeCounterProvider({
    name: LLM_COST,
    help: 'LLM cost in US dollars by provider, from the configured prices',
    labelNames: ['provider'],
  }),
  makeCounterProvider({
    name: LLM_REQUESTS,
    help: 'Calls to each LLM provider (a retry inside one call counts once), by outcome: ok or error',
    labelNames: ['provider', 'outcome'],
  }),
  makeCounterProvider({
    name: LLM_ERRORS,
    help: 'Failed calls to each LLM provider by kind (timeout, rate-limited, server-error, circuit-open, …)',
    labelNames: ['provider', 'kind'],
  }),
  makeHistogramProvider({
    name: LLM_DURATION,
    help: 'Time of each call to an LLM provider, retries included, as measured by the gateway',
    labelNames: ['provider'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120],
  }),
  makeGaugeProvider({
    name: LLM_CIRCUIT,
    help: 'Circuit breaker of each LLM provider: 1 for its current state (closed, half-open, open), 0 for the others',
    labelNames: ['provider', 'state'],
  }),
];

/** The per-call metrics: requests by outcome, errors by kind, duration. */
export function callMetrics(
  requests: Counter<string>,
  errors: Counter<string>,
  duration: Histogram<string>,
): CallListener {
  return (provider, { seconds, failure }) => {
    requests.inc({ provider, outcome: failure ? 'error' : 'ok' });
    if (failure) errors.inc({ provider, kind: failure });
    duration.observe({ provider }, seconds);
  };
}

/** Sets the circuit gauge from the providers' states (read at each scrape). */
export function showCircuits(gauge: Gauge<string>, states: () => ProviderState[]): void {
  const update = () => {
    for (const { name, circuit } of states())
      for (const state of CIRCUIT_STATES)
        gauge.set({ provider: name, state }, state === circuit ? 1 : 0);
  };
  update();
  // A circuit turns half-open by time alone: the value is computed when Prometheus reads it.
  (gauge as unknown as { collect?: () => void }).collect = update;
}
