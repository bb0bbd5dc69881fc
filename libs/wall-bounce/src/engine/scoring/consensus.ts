import type {
  AnalysisTask,
  ConsensusLevel,
  ConsensusReport,
  MeasuredSignal,
} from '../../analysis/analysis.types';
import {
  allPairs,
  CONSENSUS_WEIGHTS,
  type ConsensusSignal,
  type PairAgreement,
} from './pair-agreement';
import type { ScoredAnswer } from './scored-answer';

/** Cut-offs of consensus.level (docs/wall-bounce.md). */
export const STRONG_FROM = 0.8;
export const MODERATE_FROM = 0.6;

export const CONSENSUS_METHODS = {
  /** Independent answers (parallel, council). */
  peers: 'measured-peer-agreement',
  /** A sequential chain: each step saw the earlier answers. */
  chain: 'measured-chain-agreement',
} as const;

const SIGNAL_NAMES: Record<ConsensusSignal, string> = {
  verdict: 'verdict-agreement',
  findings: 'findings-overlap',
  text: 'negation-aware-text',
};

export function levelOf(score: number): ConsensusLevel {
  if (score >= STRONG_FROM) return 'strong';
  if (score >= MODERATE_FROM) return 'moderate';
  return 'weak';
}

/**
 * Consensus that rests on the text measure alone (no verdict voted, no findings to compare on
 * any pair) stays below `strong`: wording can agree while meaning differs in ways no lexical
 * measure sees, so only the peers' own verdicts and findings can make a consensus strong.
 */
export const TEXT_ONLY_CEILING = 0.75;

export const round3 = (n: number): number => Math.round(Math.min(1, Math.max(0, n)) * 1000) / 1000;

const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

export interface MeasuredConsensus {
  report: ConsensusReport;
  pairs: PairAgreement[];
}

/**
 * Consensus measured from the peers' own answers only: the mean, over every pair of counted
 * answers, of the pair's weighted signals (pair-agreement.ts), at most TEXT_ONLY_CEILING when
 * the text measure is all there is. Each signal is also reported on its own, as its mean over
 * the pairs where it could be measured.
 */
export function measureConsensus(
  task: AnalysisTask,
  answers: readonly ScoredAnswer[],
  independent: boolean,
): MeasuredConsensus {
  const pairs = allPairs(task, answers);
  const textOnly = pairs.every(
    (p) => p.signals.verdict === undefined && p.signals.findings === undefined,
  );
  const signals: MeasuredSignal[] = (Object.keys(CONSENSUS_WEIGHTS) as ConsensusSignal[]).map(
    (name) => {
      const values = pairs.flatMap((p) => (p.signals[name] === undefined ? [] : [p.signals[name]]));
      return {
        name: SIGNAL_NAMES[name],
        value: values.length ? round3(mean(values)) : null,
        weight: CONSENSUS_WEIGHTS[name],
        detail:
          `measured on ${values.length} of ${pairs.length} pairs` +
          (name === 'text' && textOnly && values.length
            ? `; the only signal, so the score is at most ${TEXT_ONLY_CEILING}`
            : ''),
      };
    },
  );
  const measured = pairs.length ? mean(pairs.map((p) => p.score)) : 0;
  const score = round3(textOnly ? Math.min(TEXT_ONLY_CEILING, measured) : measured);
  return {
    report: {
      score,
      level: levelOf(score),
      method: independent ? CONSENSUS_METHODS.peers : CONSENSUS_METHODS.chain,
      independent,
      signals,
    },
    pairs,
  };
}
