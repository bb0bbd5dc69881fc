import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderConfig } from '../config/wall-bounce-engine.config';
import { CircuitBreaker } from './circuit-breaker';
import { classifyError } from './classify-error';
import { WireMeter, withWireMeter } from './egress/wire-meter';
import {
  COUNTS_AGAINST_PROVIDER,
  type FailureKind,
  ProviderCallError,
  RETRYABLE,
} from './provider-call.error';
import type {
  BilledUsage,
  ChatRequest,
  Completion,
  ProviderState,
  WireClient,
} from './provider.types';
import { costUsd } from './usage-cost';
import { estimateTokens, estimateTokensOfLength, promptText } from './usage-estimate';

/** Pause before the one retry of a 5xx or network failure without a retry-after. */
const RETRY_PAUSE_MS = 250;

export interface ProviderPolicy {
  circuitFailures: number;
  circuitResetMs: number;
  /** A retry-after longer than this is not waited for: the call fails instead. */
  retryAfterMaxMs: number;
}

/** Tokens and their price: a completion's, or what a failed call may have been billed. */
export interface PricedUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Told of every call's usage as it ends, failed calls' billed usage included. */
export type UsageListener = (provider: string, usage: PricedUsage) => void;

/** How one call ended, as the provider metrics count it: its time and, if it failed, why. */
export type CallListener = (
  provider: string,
  call: { seconds: number; failure?: ProviderCallError['kind'] },
) => void;

/** Failures the provider answered with an error status: nothing was produced to bill. */
const ANSWERED_WITH_ERROR: ReadonlySet<FailureKind> = new Set([
  'client-error',
  'rate-limited',
  'server-error',
]);

/** Tokens without a price yet, and whether any part was estimated. */
interface Tokens {
  inputTokens: number;
  outputTokens: number;
  estimated: boolean;
}

/**
 * One configured provider: its wire client plus the egress rules every call obeys
 * (timeout per attempt, exactly one retry on 429/5xx/network, none on other 4xx, a circuit
 * breaker) and usage priced from the configuration: summed over the attempt and its retry,
 * estimated where the provider reported none, and carried by the error when a call fails
 * after its request reached the provider.
 */
export class LlmProvider {
  private readonly breaker: CircuitBreaker;
  private lastFailure?: string;

  constructor(
    readonly config: ProviderConfig,
    private readonly client: WireClient,
    private readonly policy: ProviderPolicy,
    private readonly onUsage: UsageListener = () => undefined,
    private readonly onCall: CallListener = () => undefined,
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
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const completion = await this.call(request, signal);
      this.onCall(this.name, { seconds: seconds() });
      return completion;
    } catch (error) {
      this.onCall(this.name, { seconds: seconds(), failure: (error as ProviderCallError).kind });
      throw error;
    }
  }

  private async call(request: ChatRequest, signal: AbortSignal): Promise<Completion> {
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
    // What earlier attempts may have been billed (a network failure after sending, retried).
    let spent: Tokens | undefined;
    try {
      for (;;) {
        attempts += 1;
        const meter = new WireMeter();
        try {
          const raw = await this.attempt(request, signal, meter);
          const tokens = add(spent, {
            inputTokens: raw.inputTokens,
            outputTokens: raw.outputTokens,
            estimated: !raw.usageReported,
          });
          const completion: Completion = {
            ...raw,
            inputTokens: tokens.inputTokens,
            outputTokens: tokens.outputTokens,
            usageReported: !tokens.estimated,
            costUsd: this.price(tokens),
            latencyMs: Math.round(performance.now() - started),
            attempts,
          };
          this.breaker.success();
          this.lastFailure = undefined;
          this.onUsage(this.name, completion);
          return completion;
        } catch (error) {
          const failure = error as ProviderCallError;
          spent = add(spent, this.billedTokens(failure, meter, request));
          const pause = attempts === 1 && !meter.delivered ? this.retryPause(failure) : undefined;
          if (pause === undefined) throw this.withBilled(failure, spent);
          await sleep(pause, undefined, { signal }).catch(() => {
            throw this.withBilled(
              new ProviderCallError(this.name, 'cancelled', 'cancelled'),
              spent,
            );
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
      if (failure.billed) this.onUsage(this.name, failure.billed);
      throw failure;
    }
  }

  private async attempt(request: ChatRequest, signal: AbortSignal, meter: WireMeter) {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    try {
      return await withWireMeter(meter, () =>
        this.client.send(request, AbortSignal.any([signal, timeout])),
      );
    } catch (error) {
      throw classifyError(this.name, error, {
        cancelled: signal.aborted,
        timedOut: timeout.aborted,
        timeoutMs: this.config.timeoutMs,
      });
    }
  }

  /**
   * What a failed attempt may have cost: nothing when the request never left (refused by the
   * egress rules, the connection refused) or the provider answered with an error status; else
   * the usage it reported before failing, the rest estimated (input from the prompt as sent,
   * output from the reply text decoded, or the bytes received).
   */
  private billedTokens(
    failure: ProviderCallError,
    meter: WireMeter,
    request: ChatRequest,
  ): Tokens | undefined {
    if (!meter.sent || ANSWERED_WITH_ERROR.has(failure.kind)) return undefined;
    const input =
      meter.promptChars > 0
        ? estimateTokensOfLength(meter.promptChars)
        : estimateTokens(promptText(request.system, request.messages));
    const output = estimateTokensOfLength(meter.decodedChars || meter.receivedBytes);
    return {
      inputTokens: meter.reportedInput ?? input,
      outputTokens: meter.reportedOutput ?? output,
      estimated: meter.reportedInput === undefined || meter.reportedOutput === undefined,
    };
  }

  private withBilled(failure: ProviderCallError, spent: Tokens | undefined): ProviderCallError {
    if (spent) failure.billed = { ...spent, costUsd: this.price(spent) } satisfies BilledUsage;
    return failure;
  }

  private price(tokens: Tokens): number {
    return costUsd(
      tokens.inputTokens,
      tokens.outputTokens,
      this.config.priceInputPer1M,
      this.config.priceOutputPer1M,
    );
  }

  /** How long to wait before the one retry, or undefined when this failure is not retried. */
  private retryPause(failure: ProviderCallError): number | undefined {
    if (!RETRYABLE.has(failure.kind)) return undefined;
    const wait = failure.retryAfterMs ?? (failure.kind === 'rate-limited' ? 1000 : RETRY_PAUSE_MS);
    return wait <= this.policy.retryAfterMaxMs ? wait : undefined;
  }
}

function add(a: Tokens | undefined, b: Tokens): Tokens;
function add(a: Tokens | undefined, b: Tokens | undefined): Tokens | undefined;
function add(a: Tokens | undefined, b: Tokens | undefined): Tokens | undefined {
  if (!a || !b) return a ?? b;
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    estimated: a.estimated || b.estimated,
  };
}
