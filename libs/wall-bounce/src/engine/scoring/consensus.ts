import type { ConsensusLevel } from '../../analysis/analysis.types';

/** Cut-offs of consensus.level (docs/wall-bounce.md). */
export const STRONG_FROM = 0.8;
export const MODERATE_FROM = 0.6;

/** Weight of the aggregator's agreement judgement against the n-gram similarity. */
export const JUDGEMENT_WEIGHT = 0.6;

export const CONSENSUS_METHODS = {
  reviewers: 'reviewer-pairwise-agreement',
  judgeAndSimilarity: 'aggregator-judgement+ngram-similarity',
  similarity: 'ngram-similarity',
} as const;

export interface Consensus {
  score: number;
  level: ConsensusLevel;
  method: string;
}

export function levelOf(score: number): ConsensusLevel {
  if (score >= STRONG_FROM) return 'strong';
  if (score >= MODERATE_FROM) return 'moderate';
  return 'weak';
}

const round3 = (n: number): number => Math.round(Math.min(1, Math.max(0, n)) * 1000) / 1000;

/** Council: the reviewers' pairwise agreement. */
export function reviewerConsensus(agreement: number): Consensus {
  const score = round3(agreement);
  return { score, level: levelOf(score), method: CONSENSUS_METHODS.reviewers };
}

/**
 * Parallel and sequential (and council without comparable rankings):
 * 0.6 × the aggregator's agreement + 0.4 × mean pairwise n-gram similarity of the peer
 * answers; the similarity alone when the aggregator gave no readable agreement.
 */
export function judgedConsensus(similarity: number, agreement?: number): Consensus {
  const score = round3(
    agreement === undefined
      ? similarity
      : JUDGEMENT_WEIGHT * agreement + (1 - JUDGEMENT_WEIGHT) * similarity,
  );
  return {
    score,
    level: levelOf(score),
    method:
      agreement === undefined ? CONSENSUS_METHODS.similarity : CONSENSUS_METHODS.judgeAndSimilarity,
  };
}

/**
 * confidence = c × s, where c is the aggregator's reported confidence (the consensus score
 * when it reported none) and s = min(1, successful peers / peers asked in the first round).
 */
export function combinedConfidence(
  reported: number | undefined,
  consensusScore: number,
  succeeded: number,
  asked: number,
): number {
  const share = asked > 0 ? Math.min(1, succeeded / asked) : 0;
  return round3((reported ?? consensusScore) * share);
}
