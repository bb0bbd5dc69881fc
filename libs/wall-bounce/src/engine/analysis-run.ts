import type {
  AnalysisEventType,
  CallRole,
  PeerAnswerReport,
  ProviderOutcome,
  ProviderReport,
  RunContext,
  Usage,
} from '../analysis/analysis.types';
import { AnalysisCancelledError } from '../errors/analysis-cancelled.error';
import type { LlmProvider } from '../providers/llm-provider';
import { ProviderCallError } from '../providers/provider-call.error';
import type { ChatRequest, Completion } from '../providers/provider.types';
import { roundUsd } from '../providers/usage-cost';
import { CostMeter } from './cost-meter';
import type { Screener } from './screening/screener';

/** What reading a reply gave: a value, or why the reply is not usable. */
export type Read<T> =
  { ok: true; value: T } | { ok: false; status: 'blocked' | 'failed'; reason: string };

export type Called<T> =
  | { ok: true; value: T; completion: Completion }
  | {
      ok: false;
      status: Exclude<ProviderOutcome, 'ok'>;
      reason: string;
      /** True when the call was not started because the cost cap was reached. */
      capped?: boolean;
    };

export interface CallOptions {
  /** Added to the progress events (e.g. the step of a chain). */
  extra?: Record<string, unknown>;
  /** Aborts this call alone: the provider is then `late` (left behind by the quorum). */
  leaveBehind?: AbortSignal;
  /** Why a call aborted through leaveBehind is late. */
  lateReason?: () => string;
}

/** Which outcome a provider's report shows when it had several calls as a peer (worst news first). */
const PRECEDENCE: ProviderOutcome[] = ['blocked', 'ok', 'late', 'timeout', 'failed'];

/**
 * The state of one analysis while it runs: the per-provider reports and usage (failed calls
 * included, reported through onUsage as each call ends), the cost cap, the reasons a result is
 * degraded, and the progress events. Every model call goes through `call`, so usage, events,
 * the cap and cancellation are handled in one place.
 */
export class AnalysisRun {
  private readonly reports = new Map<string, ProviderReport>();
  private readonly peerOutcomes = new Map<string, ProviderOutcome>();
  readonly degradedReasons: string[] = [];
  readonly cost: CostMeter;
  readonly signal: AbortSignal;

  constructor(
    readonly screener: Screener,
    private readonly context: RunContext,
  ) {
    this.signal = context.signal;
    this.cost = new CostMeter(context.spentUsd ?? 0, context.capUsd);
  }

  /** Throws AnalysisCancelledError once the signal has fired. */
  checkCancelled(): void {
    if (this.signal.aborted) throw new AnalysisCancelledError();
  }

  degrade(reason: string): void {
    if (!this.degradedReasons.includes(reason)) this.degradedReasons.push(reason);
  }

  emit(type: AnalysisEventType, data: Record<string, unknown>): void {
    this.context.progress(type, data);
  }

  /**
   * One model call with its progress events and usage; `read` turns the reply into a value
   * (parsed and screened) or says why it is unusable. Resolves either way; rejects only when
   * the analysis is cancelled.
   */
  async call<T>(
    provider: LlmProvider,
    role: CallRole,
    request: ChatRequest,
    read: (completion: Completion) => Read<T>,
    options: CallOptions = {},
  ): Promise<Called<T>> {
    this.checkCancelled();
    const report = this.reportFor(provider);
    if (this.cost.reached) {
      this.degrade(this.cost.reason);
      return { ok: false, status: 'failed', reason: this.cost.reason, capped: true };
    }
    if (!report.roles.includes(role)) report.roles.push(role);
    const event = { provider: provider.name, role, ...options.extra };
    this.emit('provider_started', event);
    const started = performance.now();
    const signal = options.leaveBehind
      ? AbortSignal.any([this.signal, options.leaveBehind])
      : this.signal;
    let completion: Completion;
    try {
      completion = await provider.complete(request, signal);
    } catch (error) {
      if (this.signal.aborted) throw new AnalysisCancelledError();
      const failure =
        error instanceof ProviderCallError
          ? error
          : new ProviderCallError(provider.name, 'network', 'the call failed');
      const late = options.leaveBehind?.aborted === true;
      const status = late ? 'late' : failure.kind === 'timeout' ? 'timeout' : 'failed';
      const reason = late
        ? (options.lateReason?.() ?? 'left behind')
        : `${failure.kind}: ${failure.message}`;
      if (report.latencyMs === 0) report.latencyMs = Math.round(performance.now() - started);
      this.bill(
        provider,
        role,
        report,
        failure.billed ?? { inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false },
        false,
      );
      this.emit('provider_failed', { ...event, status, reason: late ? reason : failure.message });
      return { ok: false, status, reason };
    }
    if (report.latencyMs === 0) report.latencyMs = completion.latencyMs;
    const value = read(completion);
    this.bill(
      provider,
      role,
      report,
      { ...completion, estimated: !completion.usageReported },
      value.ok,
    );
    if (!value.ok) {
      this.emit('provider_failed', { ...event, status: value.status, reason: value.reason });
      return value;
    }
    this.emit('provider_completed', {
      ...event,
      latencyMs: completion.latencyMs,
      inputTokens: completion.inputTokens,
      outputTokens: completion.outputTokens,
    });
    return { ok: true, value: value.value, completion };
  }

  /** Records how a provider did as a peer (or chain step); this is what its report shows. */
  recordPeer(
    provider: LlmProvider,
    outcome: Called<unknown>,
    answer?: PeerAnswerReport,
    excluded?: string,
  ): void {
    const status: ProviderOutcome = outcome.ok ? 'ok' : outcome.status;
    const previous = this.peerOutcomes.get(provider.name);
    this.peerOutcomes.set(
      provider.name,
      previous === undefined
        ? status
        : (PRECEDENCE.find((s) => s === previous || s === status) ?? status),
    );
    const report = this.reportFor(provider);
    if (answer) report.answer = answer;
    if (excluded) {
      report.excluded = excluded;
      this.degrade(`provider ${provider.name} left out of the consensus: ${excluded}`);
    }
    if (!outcome.ok && !outcome.capped) {
      report.error ??= outcome.reason;
      this.degrade(`provider ${provider.name} ${outcome.status}: ${outcome.reason}`);
    } else if (!outcome.ok) {
      report.error ??= outcome.reason;
    }
  }

  /** Records the status of a provider that was not a peer (aggregator, fallback). */
  recordHelper(provider: LlmProvider, outcome: Called<unknown>): void {
    if (this.peerOutcomes.has(provider.name)) return;
    const report = this.reportFor(provider);
    report.status = outcome.ok ? 'ok' : outcome.status;
    if (!outcome.ok) report.error = outcome.reason;
  }

  /** Whether the provider has been asked as a peer in this analysis. */
  hasPeer(name: string): boolean {
    return this.peerOutcomes.has(name);
  }

  /** The names of every provider called (or meant to be) in this analysis. */
  usedProviders(): Set<string> {
    return new Set(this.reports.keys());
  }

  /** The reports, in the order the providers were first asked. */
  providerReports(): ProviderReport[] {
    return [...this.reports.values()].map((r) => {
      const peer = this.peerOutcomes.get(r.name);
      return { ...r, roles: [...r.roles], ...(peer ? { status: peer } : {}) };
    });
  }

  totalUsage(): Usage {
    const total: Usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    for (const r of this.reports.values()) {
      total.inputTokens += r.usage.inputTokens;
      total.outputTokens += r.usage.outputTokens;
      total.costUsd = roundUsd(total.costUsd + r.usage.costUsd);
    }
    return total;
  }

  private bill(
    provider: LlmProvider,
    role: CallRole,
    report: ProviderReport,
    usage: { inputTokens: number; outputTokens: number; costUsd: number; estimated: boolean },
    ok: boolean,
  ): void {
    report.usage.inputTokens += usage.inputTokens;
    report.usage.outputTokens += usage.outputTokens;
    report.usage.costUsd = roundUsd(report.usage.costUsd + usage.costUsd);
    this.cost.add(usage.costUsd);
    this.context.onUsage?.({
      provider: provider.name,
      model: provider.model,
      role,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: usage.costUsd,
      ok,
      estimated: usage.estimated,
    });
  }

  private reportFor(provider: LlmProvider): ProviderReport {
    let report = this.reports.get(provider.name);
    if (!report) {
      report = {
        name: provider.name,
        model: provider.model,
        status: 'ok',
        latencyMs: 0,
        usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
        roles: [],
      };
      this.reports.set(provider.name, report);
    }
    return report;
  }
}
