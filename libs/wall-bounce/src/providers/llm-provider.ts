import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderConfig } from '../config/wall-bounce-engine.config';
import { CircuitBreaker } from './circuit-breaker';
import { classifyError } from './classify-error';
import { COUNTS_AGAINST_PROVIDER, ProviderCallError, RETRYABLE } from './provider-call.error';
import type { ChatRequest, Completion, ProviderState, WireClient } from './provider.types';
import { costUsd } from './usage-cost';

/** Pause before the one retry of a 5xx or network failure without a retry-after. */
const RETRY_PAUSE_MS = 250;

export interface ProviderPolicy {
  circuitFailures: number;
  circuitResetMs: number;
  /** A retry-after longer than this is not waited for: the call fails instead. */
  retryAfterMaxMs: number;
}

export type UsageListener = (provider: string, completion: Completion) => void;

/**
 * One configured provider: its wire client plus the egress rules every call obeys
 * (timeout per attempt, exactly one retry on 429/5xx/network, none on other 4xx, a circuit
 * breaker) and usage priced from the configuration.
 */
export class LlmProvider {
  private readonly breaker: CircuitBreaker;
  private lastFailure?: string;

  constructor(
    readonly config: ProviderConfig,
    private readonly client: WireClient,
    private readonly policy: ProviderPolicy,
    private readonly onUsage: UsageListener = () => undefined,
  ) {
    this.breaker = new CircuitBreaker(policy.circuitFailures, policy.circuitResetMs);
  }

  get name(): string {
    return this.config.name;
  }

  get model(): string {
    return this.config.model;
  }

  state(): ProviderState {
    return {
      name: this.config.name,
      kind: this.config.kind,
      model: this.config.model,
      simulated: this.config.simulated === true,
      circuit: this.breaker.state,
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
  }

  /** Resolves with the completion or rejects with a ProviderCallError. */
  async complete(request: ChatRequest, signal: AbortSignal): Promise<Completion> {
    if (signal.aborted) throw new ProviderCallError(this.name, 'cancelled', 'cancelled');
    if (!this.breaker.tryAcquire()) {
      throw new ProviderCallError(
        this.name,
        'circuit-open',
        'circuit open after repeated failures',
      );
    }
    const started = performance.now();
    let attempts = 0;
    try {
      for (;;) {
        attempts += 1;
        try {
          const raw = await this.attempt(request, signal);
          const completion: Completion = {
            ...raw,
            costUsd: costUsd(
              raw.inputTokens,
              raw.outputTokens,
              this.config.priceInputPer1M,
              this.config.priceOutputPer1M,
            ),
            latencyMs: Math.round(performance.now() - started),
            attempts,
          };
          this.breaker.success();
          this.lastFailure = undefined;
          this.onUsage(this.name, completion);
          return completion;
        } catch (error) {
          const failure = error as ProviderCallError;
          const pause = attempts === 1 ? this.retryPause(failure) : undefined;
          if (pause === undefined) throw failure;
          await sleep(pause, undefined, { signal }).catch(() => {
            throw new ProviderCallError(this.name, 'cancelled', 'cancelled');
          });
        }
      }
    } catch (error) {
      const failure = error as ProviderCallError;
      if (COUNTS_AGAINST_PROVIDER.has(failure.kind)) {
        this.breaker.failure();
        this.lastFailure = `${failure.kind}: ${failure.message}`;
      } else {
        this.breaker.release();
      }
      throw failure;
    }
  }

  private async attempt(request: ChatRequest, signal: AbortSignal) {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    try {
      return await this.client.send(request, AbortSignal.any([signal, timeout]));
    } catch (error) {
      throw classifyError(this.name, error, {
        cancelled: signal.aborted,
        timedOut: timeout.aborted,
        timeoutMs: this.config.timeoutMs,
      });
    }
  }

  /** How long to wait before the one retry, or undefined when this failure is not retried. */
  private retryPause(failure: ProviderCallError): number | undefined {
    if (!RETRYABLE.has(failure.kind)) return undefined;
    const wait = failure.retryAfterMs ?? (failure.kind === 'rate-limited' ? 1000 : RETRY_PAUSE_MS);
    return wait <= this.policy.retryAfterMaxMs ? wait : undefined;
  }
}
