import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ContentDetector } from '@techsapo/detector';
import {
  AnalysisEngine,
  AnalysisRequest,
  AnalysisResult,
  RunContext,
} from '../analysis/analysis.types';
import { wallBounceEngineConfig } from '../config/wall-bounce-engine.config';
import { AggregationFailedError } from '../errors/aggregation-failed.error';
import { InsufficientProvidersError } from '../errors/insufficient-providers.error';
import type { LlmProvider } from '../providers/llm-provider';
import { ProviderRegistry } from '../providers/provider.registry';
import { AnalysisRun } from './analysis-run';
import type { ModeContext, ModeStrategy, RoundState } from './modes/mode-strategy';
import { CouncilMode } from './modes/council.mode';
import { ParallelMode } from './modes/parallel.mode';
import { SequentialMode } from './modes/sequential.mode';
import { Judgement, parseJudgement } from './parsing/judgement';
import { exceedsBudget } from './prompts/fit-budget';
import { aggregatePrompt } from './prompts/prompts';
import { combinedConfidence, Consensus } from './scoring/consensus';

/** At least this many peers must give a usable answer (seed: "at least 2 providers"). */
export const MIN_SUCCESSFUL_PEERS = 2;

interface Outcome {
  judgement: Judgement;
  /** Why this round's answer is degraded (only the final round's count). */
  reasons: string[];
  consensus: Consensus;
  confidence: number;
}

/**
 * The wall-bounce engine: asks the peers (parallel, sequential or council), screens every
 * answer, has the aggregator write the final answer, measures consensus and confidence, and
 * applies the gates. It never invents an answer: too few peers or no aggregator is an error.
 */
@Injectable()
export class WallBounceEngine extends AnalysisEngine {
  constructor(
    // Explicit tokens: the engine also runs where no decorator metadata is emitted (tsx bench).
    @Inject(ProviderRegistry) private readonly registry: ProviderRegistry,
    @Inject(ContentDetector) private readonly detector: ContentDetector,
    @Inject(wallBounceEngineConfig.factory.KEY)
    private readonly config: ConfigType<typeof wallBounceEngineConfig.factory>,
  ) {
    super();
  }

  async run(request: AnalysisRequest, context: RunContext): Promise<AnalysisResult> {
    const run = new AnalysisRun(this.detector, context.progress, context.signal);
    run.checkCancelled();
    const peers = this.registry.peersFor(request.providers);
    run.screen(request.content, 'request-text', 'request');
    if (exceedsBudget([request.content])) {
      run.degrade('the content was cut to fit the 1 MiB provider request limit');
    }
    const ctx: ModeContext = { run, request, sequentialDepth: this.config.sequentialDepth };
    const mode = this.strategy(request, ctx);

    const state = await mode.collect(peers);
    run.checkCancelled();
    const succeeded = run.successfulPeers().length;
    if (succeeded < MIN_SUCCESSFUL_PEERS) {
      throw new InsufficientProvidersError(succeeded, run.degradedReasons);
    }
    let outcome = await this.finish(run, mode, state, request);
    let escalations = 0;
    while (this.belowThresholds(outcome) && this.config.gate.action === 'escalate') {
      if (escalations >= this.config.gate.maxEscalations) break;
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
        outcome = await this.finish(run, mode, state, request);
      } catch (error) {
        // The earlier round's answer stands; the failed re-aggregation is reported.
        if (!(error instanceof AggregationFailedError)) throw error;
        run.degrade('the aggregation after escalation failed; the earlier answer stands');
        break;
      }
    }
    for (const reason of outcome.reasons) run.degrade(reason);
    const { confidence: minConfidence, consensus: minConsensus } = this.config.thresholds;
    if (outcome.confidence < minConfidence) {
      run.degrade(`confidence ${outcome.confidence} is below ${minConfidence}`);
    }
    if (outcome.consensus.score < minConsensus) {
      run.degrade(`consensus ${outcome.consensus.score} is below ${minConsensus}`);
    }

    return {
      answer: outcome.judgement.answer,
      confidence: outcome.confidence,
      consensus: outcome.consensus,
      degraded: run.degradedReasons.length > 0,
      degradedReasons: [...run.degradedReasons],
      providers: run.providerReports(),
      dissent: outcome.judgement.dissent,
      security: {
        flags: run.flags,
        allowedOperations: ['read', 'analyze', 'suggest'],
        deniedOperations: ['write', 'execute', 'modify'],
      },
      usage: run.totalUsage(),
    };
  }

  private strategy(request: AnalysisRequest, ctx: ModeContext): ModeStrategy {
    if (request.mode === 'sequential') return new SequentialMode(ctx);
    if (request.mode === 'council') return new CouncilMode(ctx);
    return new ParallelMode(ctx);
  }

  private belowThresholds(outcome: Outcome): boolean {
    return (
      outcome.confidence < this.config.thresholds.confidence ||
      outcome.consensus.score < this.config.thresholds.consensus
    );
  }

  /** The aggregator (else the fallback) writes the final answer; then the scores. */
  private async finish(
    run: AnalysisRun,
    mode: ModeStrategy,
    state: RoundState,
    request: AnalysisRequest,
  ): Promise<Outcome> {
    const { answers, reviews } = mode.material(state);
    const reasons: string[] = [];
    if (exceedsBudget([request.content, ...[...answers, ...reviews].map((m) => m.text)])) {
      reasons.push(
        'the material for the aggregator was cut to fit the 1 MiB provider request limit',
      );
    }
    const prompt = aggregatePrompt(request.content, answers, reviews, request.language);
    const failures: string[] = [];
    let judgement: Judgement | undefined;
    let used: LlmProvider | undefined;
    for (const aggregator of this.registry.aggregators()) {
      run.emit('aggregating', { provider: aggregator.name });
      const result = await run.call(aggregator, 'aggregator', prompt);
      run.recordHelper(aggregator, result);
      if (result.ok) {
        judgement = parseJudgement(result.text);
        used = aggregator;
        break;
      }
      failures.push(`aggregator ${aggregator.name} ${result.status}: ${result.reason}`);
    }
    if (!judgement || !used) throw new AggregationFailedError(failures);
    reasons.push(...failures);
    if (failures.length) reasons.push(`fallback aggregator ${used.name} wrote the answer`);
    if (!judgement.structured) {
      reasons.push(
        `aggregator ${used.name} gave no structured judgement; consensus from text similarity only`,
      );
    }
    const consensus = mode.consensus(state, judgement);
    const succeeded = run.successfulPeers().length;
    return {
      judgement,
      consensus,
      reasons,
      confidence: combinedConfidence(judgement.confidence, consensus.score, succeeded, state.asked),
    };
  }
}
