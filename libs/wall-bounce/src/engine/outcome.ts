import type { AnalysisTask, ConsensusReport, CouncilReport } from '../analysis/analysis.types';
import type { Aggregated } from './aggregation';
import { counted, type ModeStrategy, type RoundState } from './modes/mode-strategy';
import { CouncilMode } from './modes/council.mode';
import { claimReasons } from './scoring/claims-check';
import { type MeasuredConfidence, measuredConfidence } from './scoring/confidence';
import { measureConsensus } from './scoring/consensus';
import { measureCouncil } from './scoring/council-ranking';
import { centralAnswer } from './scoring/central-answer';
import { measuredDissent } from './scoring/dissent';
import { majorityVerdict } from './scoring/majority-verdict';
import { prepareAnswers } from './scoring/scored-answer';

/** What one round measured, and what the aggregator wrote. */
export interface Outcome {
  consensus: ConsensusReport;
  confidence: MeasuredConfidence;
  verdict: string;
  dissent: string[];
  council?: CouncilReport;
  /** Undefined when the cost cap stopped the aggregation. */
  aggregated?: Aggregated;
  /** Without aggregation: the peer answer that agrees most with the others, which stands in. */
  standIn?: { provider: string; text: string };
  /** Why this round's result is degraded (only the final round's count). */
  reasons: string[];
}

/**
 * Everything measured from the counted peers' own answers — consensus, verdict, dissent,
 * confidence, and in council the rankings — and the aggregator's claims checked against it.
 */
export function measureOutcome(input: {
  mode: ModeStrategy;
  state: RoundState;
  task: AnalysisTask;
  aggregated?: Aggregated;
  reasons: string[];
}): Outcome {
  const { mode, state, task, aggregated } = input;
  const answers = prepareAnswers(
    counted(state).map(({ provider, answer }) => ({
      provider: provider.name,
      verdict: answer.verdict,
      findings: answer.findings,
      text: answer.text,
      ...(answer.confidence === undefined ? {} : { confidence: answer.confidence }),
      structured: answer.structured !== 'none',
    })),
  );
  const { report: consensus, pairs } = measureConsensus(task, answers, mode.independent);
  const majority = majorityVerdict(task, answers);
  const confidence = measuredConfidence(
    consensus.score,
    answers.flatMap((a) => (a.confidence === undefined ? [] : [a.confidence])),
    answers.length,
    state.asked,
  );
  const reasons = [...input.reasons, ...(aggregated?.reasons ?? [])];
  if (aggregated) {
    reasons.push(
      ...claimReasons(aggregated, consensus.score, majority.verdict, majority.votes > 0),
    );
  }
  const central = aggregated ? undefined : centralAnswer(task, answers, pairs, majority);
  if (central) {
    reasons.push(
      `no aggregation: the answer is ${central.provider}'s, the peer answer that agrees most with the others`,
    );
  }
  return {
    consensus,
    confidence,
    verdict: majority.verdict,
    dissent: measuredDissent(task, answers, pairs, majority),
    ...(mode instanceof CouncilMode
      ? {
          council: measureCouncil(
            answers,
            [...state.reviews].sort((a, b) => (a.reviewer < b.reviewer ? -1 : 1)),
            state.shownTo,
          ),
        }
      : {}),
    ...(aggregated ? { aggregated } : {}),
    ...(central ? { standIn: { provider: central.provider, text: central.text } } : {}),
    reasons,
  };
}
