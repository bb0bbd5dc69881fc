import type { Channel, ContentDetector } from '@techsapo/detector';
import type {
  CallRole,
  ProgressSink,
  ProviderOutcome,
  ProviderReport,
  SecurityFlag,
  Usage,
} from '../analysis/analysis.types';
import { AnalysisCancelledError } from '../errors/analysis-cancelled.error';
import type { LlmProvider } from '../providers/llm-provider';
import { ProviderCallError } from '../providers/provider-call.error';
import type { ChatRequest, Completion } from '../providers/provider.types';
import { roundUsd } from '../providers/usage-cost';

/** A usable answer: screened, possibly with secrets redacted. */
export interface Screened {
  ok: true;
  text: string;
}
export interface Refused {
  ok: false;
  status: Exclude<ProviderOutcome, 'ok'>;
  reason: string;
}

/** Which outcome a provider's report shows when it had several calls (worst news first). */
const PRECEDENCE: ProviderOutcome[] = ['blocked', 'ok', 'timeout', 'failed'];

/**
 * The state of one analysis while it runs: the per-provider reports and usage, the security
 * flags, the reasons a result is degraded, and the progress events. Every model call goes
 * through `call`, so usage, events and cancellation are handled in one place.
 */
export class AnalysisRun {
  private readonly reports = new Map<string, ProviderReport>();
  private readonly peerOutcomes = new Map<string, ProviderOutcome>();
  readonly flags: SecurityFlag[] = [];
  readonly degradedReasons: string[] = [];

  constructor(
    private readonly detector: ContentDetector,
    private readonly progress: ProgressSink,
    readonly signal: AbortSignal,
  ) {}

  /** Throws AnalysisCancelledError once the signal has fired. */
  checkCancelled(): void {
    if (this.signal.aborted) throw new AnalysisCancelledError();
  }

  degrade(reason: string): void {
    if (!this.degradedReasons.includes(reason)) this.degradedReasons.push(reason);
  }

  /** Screens text with the content detector; flags are recorded under `source`. */
  screen(
    text: string,
    channel: Channel,
    source: string,
  ): { blocked: boolean; text: string; category?: string } {
    const result = this.detector.scan(text, channel);
    for (const f of result.findings) {
      if (!this.flags.some((x) => x.rule === f.rule && x.source === source)) {
        this.flags.push({
          rule: f.rule,
          category: f.category,
          severity: f.severity,
          action: f.action,
          source,
        });
      }
    }
    const blocking = result.findings.find((f) => f.action === 'block');
    return {
      blocked: result.verdict === 'block',
      text: result.redacted ?? text,
      category: blocking?.category,
    };
  }

  /**
   * One model call with its progress events and usage. Resolves with the screened answer or
   * the reason it is unusable; rejects only when the analysis is cancelled.
   */
  async call(
    provider: LlmProvider,
    role: CallRole,
    request: ChatRequest,
    extra: Record<string, unknown> = {},
  ): Promise<Screened | Refused> {
    this.checkCancelled();
    const report = this.reportFor(provider);
    this.progress('provider_started', { provider: provider.name, role, ...extra });
    const started = performance.now();
    let completion: Completion;
    try {
      completion = await provider.complete(request, this.signal);
    } catch (error) {
      const failure =
        error instanceof ProviderCallError
          ? error
          : new ProviderCallError(provider.name, 'network', 'the call failed');
      if (failure.kind === 'cancelled' || this.signal.aborted) throw new AnalysisCancelledError();
      const status = failure.kind === 'timeout' ? 'timeout' : 'failed';
      if (report.latencyMs === 0) report.latencyMs = Math.round(performance.now() - started);
      this.progress('provider_failed', {
        provider: provider.name,
        role,
        status,
        reason: failure.message,
        ...extra,
      });
      return { ok: false, status, reason: `${failure.kind}: ${failure.message}` };
    }
    this.addUsage(report.usage, completion);
    if (report.latencyMs === 0) report.latencyMs = completion.latencyMs;
    const screened = this.screen(completion.text, 'llm-answer', `provider:${provider.name}`);
    if (screened.blocked) {
      this.progress('provider_failed', {
        provider: provider.name,
        role,
        status: 'blocked',
        reason: `answer withheld (${screened.category ?? 'blocked content'})`,
        ...extra,
      });
      return {
        ok: false,
        status: 'blocked',
        reason: `answer withheld (${screened.category ?? 'blocked content'})`,
      };
    }
    if (!screened.text.trim()) {
      this.progress('provider_failed', {
        provider: provider.name,
        role,
        status: 'failed',
        reason: 'empty answer',
        ...extra,
      });
      return { ok: false, status: 'failed', reason: 'empty answer' };
    }
    this.progress('provider_completed', {
      provider: provider.name,
      role,
      latencyMs: completion.latencyMs,
      inputTokens: completion.inputTokens,
      outputTokens: completion.outputTokens,
      ...extra,
    });
    return { ok: true, text: screened.text };
  }

  /** Records how a provider did as a peer (its answer); this is what its report shows. */
  recordPeer(provider: LlmProvider, outcome: Screened | Refused): void {
    const status: ProviderOutcome = outcome.ok ? 'ok' : outcome.status;
    const previous = this.peerOutcomes.get(provider.name);
    const next =
      previous === undefined
        ? status
        : (PRECEDENCE.find((s) => s === previous || s === status) ?? status);
    this.peerOutcomes.set(provider.name, next);
    if (!outcome.ok) {
      this.reportFor(provider).error ??= outcome.reason;
      this.degrade(
        `provider ${provider.name} ${outcome.status === 'blocked' ? 'blocked' : outcome.status}: ${outcome.reason}`,
      );
    }
  }

  /** Records the status of a provider that was not a peer (aggregator, fallback). */
  recordHelper(provider: LlmProvider, outcome: Screened | Refused): void {
    if (this.peerOutcomes.has(provider.name)) return;
    const report = this.reportFor(provider);
    report.status = outcome.ok ? 'ok' : outcome.status;
    if (!outcome.ok && outcome.reason) report.error = outcome.reason;
  }

  /** Whether the provider has been asked as a peer in this analysis. */
  hasPeer(name: string): boolean {
    return this.peerOutcomes.has(name);
  }

  successfulPeers(): string[] {
    return [...this.peerOutcomes].filter(([, s]) => s === 'ok').map(([n]) => n);
  }

  /** The reports, peers first in the order they were asked. */
  providerReports(): ProviderReport[] {
    return [...this.reports.values()].map((r) => {
      const peer = this.peerOutcomes.get(r.name);
      return peer ? { ...r, status: peer } : r;
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

  emit(type: 'review_completed' | 'aggregating', data: Record<string, unknown>): void {
    this.progress(type, data);
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
      };
      this.reports.set(provider.name, report);
    }
    return report;
  }

  private addUsage(usage: Usage, completion: Completion): void {
    usage.inputTokens += completion.inputTokens;
    usage.outputTokens += completion.outputTokens;
    usage.costUsd = roundUsd(usage.costUsd + completion.costUsd);
  }
}
