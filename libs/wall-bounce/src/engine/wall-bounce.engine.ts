import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ContentDetector } from '@techsapo/detector';
import { AttemptReporter } from '@techsapo/security';
import {
  AnalysisEngine,
  AnalysisGates,
  AnalysisRequest,
  AnalysisResult,
  AnalysisTask,
  RunContext,
  RunTrace,
} from '../analysis/analysis.types';
import { wallBounceEngineConfig } from '../config/wall-bounce-engine.config';
import { AggregationFailedError } from '../errors/aggregation-failed.error';
import { InsufficientProvidersError } from '../errors/insufficient-providers.error';
import { UnknownProviderError } from '../errors/unknown-provider.error';
import type { LlmProvider } from '../providers/llm-provider';
import { ProviderRegistry } from '../providers/provider.registry';
import { aggregate } from './aggregation';
import { AnalysisRun } from './analysis-run';
import { CouncilMode } from './modes/council.mode';
import {
  counted,
  type ModeContext,
  type ModeStrategy,
  type RoundState,
} from './modes/mode-strategy';
import { ParallelMode } from './modes/parallel.mode';
import { SequentialMode } from './modes/sequential.mode';
import { exceedsBudget } from './prompts/fit-budget';
import { aggregatePrompt } from './prompts/prompts';
import { measureOutcome, type Outcome } from './outcome';
import { type AttemptSink, Screener } from './screening/screener';
import { decideTask } from './task/decide-task';

/** At least this many peers must give a usable answer (seed: "at least 2 providers"). */
export const MIN_SUCCESSFUL_PEERS = 2;

/**
 * The wall-bounce engine: asks the peers (parallel, sequential or council) for structured
 * answers, screens every text, measures consensus and confidence from the peers' own answers,
 * has the aggregator write the final answer (its own figures kept apart as claims), and
 * applies the gates. It never invents an answer: too few peers or no aggregator is an error.
 */
@Injectable()
export class WallBounceEngine extends AnalysisEngine {
  constructor(
    // Explicit tokens: the engine also runs where no decorator metadata is emitted (tsx bench).
    @Inject(ProviderRegistry) private readonly registry: ProviderRegistry,
    @Inject(ContentDetector) private readonly detector: ContentDetector,
    @Inject(AttemptReporter) private readonly attempts: AttemptReporter,
    @Inject(wallBounceEngineConfig.factory.KEY)
    private readonly config: ConfigType<typeof wallBounceEngineConfig.factory>,
  ) {
    super();
  }

  async run(request: AnalysisRequest, context: RunContext): Promise<AnalysisResult> {
    const { run, mode, peers, aggregators, task } = this.prepare(request, context);
    const state = await this.collect(run, mode, peers);
    const gates = this.gatesFor(request);
    const first = await this.finish(run, mode, state, request, task, aggregators);
    const outcome = await this.escalate(run, mode, state, first, gates, (next) =>
      this.finish(run, mode, next, request, task, aggregators),
    );
    this.applyGates(run, outcome, gates);
    return this.resultOf(run, outcome, task);
  }

  /**
   * The run (screening, cost cap, cancellation), the peers and aggregators (an unknown one
   * fails the analysis before anything is asked), the task and the mode's strategy.
   */
  private prepare(
    request: AnalysisRequest,
    context: RunContext,
  ): {
    run: AnalysisRun;
    mode: ModeStrategy;
    peers: LlmProvider[];
    aggregators: LlmProvider[];
    task: AnalysisTask;
  } {
    // The service passes the cap (maxCostUsd less what the daily budgets leave); the request's
    // own maxCostUsd holds when it does not.
    const screener = new Screener(this.detector, request.content, this.sinkFor(context.trace));
    const run = new AnalysisRun(screener, {
      ...context,
      capUsd: context.capUsd ?? request.maxCostUsd,
    });
    run.checkCancelled();
    const peers = this.registry.peersFor(request.providers);
    const aggregators = this.aggregatorsFor(request.aggregator);
    return { run, peers, aggregators, ...this.plan(run, request, peers) };
  }

  private plan(
    run: AnalysisRun,
    request: AnalysisRequest,
    peers: LlmProvider[],
  ): { mode: ModeStrategy; task: AnalysisTask } {
    const task = decideTask(request.content, request.task);
    run.screener.noteRequest(request.content);
    if (exceedsBudget([request.content])) {
      run.degrade('the content was cut to fit the 1 MiB provider request limit');
    }
    const ctx: ModeContext = {
      run,
      request,
      task,
      sequentialDepth: this.config.sequentialDepth,
      quorum: this.config.straggler,
      substitute: (planned) => this.substitute(run, peers, planned),
    };
    return { mode: this.strategy(request, ctx), task };
  }

  /** The peers' answers; too few usable ones is an error, never an invented answer. */
  private async collect(
    run: AnalysisRun,
    mode: ModeStrategy,
    peers: LlmProvider[],
  ): Promise<RoundState> {
    const state = await mode.collect(peers);
    run.checkCancelled();
    const succeeded = counted(state).length;
    if (succeeded < MIN_SUCCESSFUL_PEERS) {
      throw new InsufficientProvidersError(succeeded, run.degradedReasons, run.cost.reached);
    }
    return state;
  }

  /**
   * Below a gate with the `escalate` action: one more round with a further provider, then the
   * answer again, up to the configured number of escalations and within the cost cap.
   */
  private async escalate(
    run: AnalysisRun,
    mode: ModeStrategy,
    state: RoundState,
    first: Outcome,
    gates: Required<AnalysisGates>,
    reaggregate: (state: RoundState) => Promise<Outcome>,
  ): Promise<Outcome> {
    let outcome = first;
    let escalations = 0;
    while (this.belowThresholds(outcome, gates) && gates.action === 'escalate') {
      if (escalations >= this.config.gate.maxEscalations || run.cost.reached) break;
      const further = this.registry.providers.find((p) => !run.hasPeer(p.name));
      if (!further) {
        run.degrade('no further provider to escalate to');
        break;
      }
      escalations += 1;
      const before = state.answers.length;
      await mode.extend(state, further);
      run.checkCancelled();
      if (state.answers.length === before) continue; // its failure is already a reason
      try {
        outcome = await reaggregate(state);
      } catch (error) {
        // The earlier round's answer stands; the failed re-aggregation is reported.
        if (!(error instanceof AggregationFailedError)) throw error;
        run.degrade('the aggregation after escalation failed; the earlier answer stands');
        break;
      }
    }
    return outcome;
  }

  /** The outcome's own reasons, and each gate missed, make the result degraded. */
  private applyGates(run: AnalysisRun, outcome: Outcome, gates: Required<AnalysisGates>): void {
    for (const reason of outcome.reasons) run.degrade(reason);
    const { minConfidence, minConsensus } = gates;
    if (outcome.confidence.value < minConfidence) {
      run.degrade(`confidence ${outcome.confidence.value} is below ${minConfidence}`);
    }
    if (outcome.consensus.score < minConsensus) {
      run.degrade(`consensus ${outcome.consensus.score} is below ${minConsensus}`);
    }
  }

  private resultOf(run: AnalysisRun, outcome: Outcome, task: AnalysisTask): AnalysisResult {
    return {
      answer: outcome.aggregated?.judgement.answer ?? outcome.standIn?.text ?? '',
      confidence: outcome.confidence.value,
      consensus: outcome.consensus,
      degraded: run.degradedReasons.length > 0,
      degradedReasons: [...run.degradedReasons],
      providers: run.providerReports(),
      dissent: outcome.dissent,
      security: {
        flags: run.screener.flags,
        allowedOperations: ['read', 'analyze', 'suggest'],
        deniedOperations: ['write', 'execute', 'modify'],
      },
      usage: run.totalUsage(),
      task,
      verdict: outcome.verdict,
      ...(outcome.aggregated
        ? {
            aggregator: {
              provider: outcome.aggregated.provider.name,
              fallback: outcome.aggregated.fallback,
              structured: outcome.aggregated.judgement.structured,
            },
          }
        : {}),
      ...(outcome.aggregated?.judgement.claims
        ? { aggregatorClaims: outcome.aggregated.judgement.claims }
        : {}),
      confidenceSignals: outcome.confidence.signals,
      ...(outcome.council ? { council: outcome.council } : {}),
    };
  }

  /** A model's attempts become security events naming the analysis, request and provider. */
  private sinkFor(trace: RunTrace | undefined): AttemptSink {
    return (findings, reply) => {
      this.attempts.report(findings, {
        channel: reply.channel,
        eventType: 'SUSPICIOUS_LLM_ANSWER',
        payload: reply.text,
        requestId: trace?.requestId,
        principalId: trace?.ownerId,
        details: {
          analysisId: trace?.analysisId,
          provider: reply.source.replace(/^provider:/, ''),
        },
      });
    };
  }

  private strategy(request: AnalysisRequest, ctx: ModeContext): ModeStrategy {
    if (request.mode === 'sequential') return new SequentialMode(ctx);
    if (request.mode === 'council') return new CouncilMode(ctx);
    return new ParallelMode(ctx);
  }

  /** A provider neither used nor planned in this analysis, whose circuit is not open: peers first. */
  private substitute(
    run: AnalysisRun,
    peers: LlmProvider[],
    planned: ReadonlySet<string>,
  ): LlmProvider | undefined {
    const used = run.usedProviders();
    return [...peers, ...this.registry.providers].find(
      (p) => !used.has(p.name) && !planned.has(p.name) && p.state().circuit !== 'open',
    );
  }

  /** The request's gates (a profile's), the configured ones where it sets none. */
  private gatesFor(request: AnalysisRequest): Required<AnalysisGates> {
    return {
      minConfidence: request.gates?.minConfidence ?? this.config.thresholds.confidence,
      minConsensus: request.gates?.minConsensus ?? this.config.thresholds.consensus,
      action: request.gates?.action ?? this.config.gate.action,
    };
  }

  private belowThresholds(outcome: Outcome, gates: Required<AnalysisGates>): boolean {
    return (
      outcome.confidence.value < gates.minConfidence || outcome.consensus.score < gates.minConsensus
    );
  }

  /** The aggregator's answer for this round, then the measured figures and its claims checked. */
  private async finish(
    run: AnalysisRun,
    mode: ModeStrategy,
    state: RoundState,
    request: AnalysisRequest,
    task: AnalysisTask,
    aggregators: LlmProvider[],
  ): Promise<Outcome> {
    const { answers, reviews } = mode.material(state);
    const reasons: string[] = [];
    if (exceedsBudget([request.content, ...[...answers, ...reviews].map((m) => m.text)])) {
      reasons.push(
        'the material for the aggregator was cut to fit the 1 MiB provider request limit',
      );
    }
    const prompt = aggregatePrompt(
      request.content,
      answers,
      reviews,
      task,
      request.language,
      request.answerFormat,
    );
    const aggregated = await aggregate(run, aggregators, prompt, task, request.answerFormat);
    return measureOutcome({ mode, state, task, aggregated, reasons });
  }

  /** The request's aggregator (council: chairman) or the configured one, then the fallback. */
  private aggregatorsFor(requested?: string): LlmProvider[] {
    if (!requested) return this.registry.aggregators();
    const chosen = this.registry.get(requested);
    if (!chosen) throw new UnknownProviderError([requested]);
    const fallback = this.config.fallbackAggregator
      ? this.registry.get(this.config.fallbackAggregator)
      : undefined;
    return fallback && fallback !== chosen ? [chosen, fallback] : [chosen];
  }
}
