import type { AnalysisTask } from '../../analysis/analysis.types';
import { findingsOverlap } from './findings-overlap';
import { negationAwareSimilarity } from './negation-aware-similarity';
import type { ScoredAnswer } from './scored-answer';
import { verdictAgreement } from './verdict-agreement';

/** Weights of the consensus signals (docs/wall-bounce.md), renormalised per pair over those measured. */
export const CONSENSUS_WEIGHTS = { verdict: 0.5, findings: 0.3, text: 0.2 } as const;
export type ConsensusSignal = keyof typeof CONSENSUS_WEIGHTS;

/** What one pair of answers agrees on, per signal (undefined: not measurable for this pair). */
export interface PairAgreement {
  a: string;
  b: string;
  signals: Record<ConsensusSignal, number | undefined>;
  /** The weighted mean of the measured signals. */
  score: number;
  /** Concepts one states and the other negates. */
  contradictions: number;
}

/**
 * One pair: verdicts when both voted, findings when both answered with an object and at least
 * one listed findings, the negation-aware text measure always.
 */
export function pairAgreement(task: AnalysisTask, a: ScoredAnswer, b: ScoredAnswer): PairAgreement {
  const text = negationAwareSimilarity(a.profile, b.profile);
  const signals: PairAgreement['signals'] = {
    verdict: verdictAgreement(task, a.verdict, b.verdict),
    findings:
      a.structured && b.structured ? findingsOverlap(a.comparable, b.comparable) : undefined,
    text: text.score,
  };
  let weighted = 0;
  let weights = 0;
  for (const name of Object.keys(CONSENSUS_WEIGHTS) as ConsensusSignal[]) {
    const value = signals[name];
    if (value === undefined) continue;
    weighted += CONSENSUS_WEIGHTS[name] * value;
    weights += CONSENSUS_WEIGHTS[name];
  }
  return {
    a: a.provider,
    b: b.provider,
    signals,
    score: weights ? weighted / weights : 0,
    contradictions: text.contradictions,
  };
}

/** Every pair once, in the answers' (fixed) order. */
export function allPairs(task: AnalysisTask, answers: readonly ScoredAnswer[]): PairAgreement[] {
  const pairs: PairAgreement[] = [];
  for (let i = 0; i < answers.length; i += 1) {
    for (let j = i + 1; j < answers.length; j += 1)
      pairs.push(pairAgreement(task, answers[i], answers[j]));
  }
  return pairs;
}
