import { randomInt } from 'node:crypto';
import type { AnalysisRequest } from '../../analysis/analysis.types';
import type { LlmProvider } from '../../providers/llm-provider';
import type { AnalysisRun } from '../analysis-run';
import type { Judgement } from '../parsing/judgement';
import type { ParsedRanking } from '../parsing/ranking';
import type { LabelledText } from '../prompts/untrusted';
import type { Consensus } from '../scoring/consensus';

export interface PeerAnswer {
  provider: LlmProvider;
  text: string;
}

/** A council review, with the anonymous labels already mapped back to provider names. */
export interface PeerReview {
  reviewer: string;
  ranking: string[];
  critique?: string;
  parsedBy: ParsedRanking['parsedBy'];
}

export interface RoundState {
  answers: PeerAnswer[];
  reviews: PeerReview[];
  /** Providers asked for an answer in the first round (the denominator of the success share). */
  asked: number;
}

export interface ModeContext {
  run: AnalysisRun;
  request: AnalysisRequest;
  sequentialDepth: number;
}

/** What the aggregator sees (anonymised). */
export interface Material {
  answers: LabelledText[];
  reviews: LabelledText[];
}

/** What differs between parallel, sequential and council; the engine does the rest. */
export interface ModeStrategy {
  collect(peers: LlmProvider[]): Promise<RoundState>;
  /** Escalation: one more round with a further provider. */
  extend(state: RoundState, provider: LlmProvider): Promise<void>;
  material(state: RoundState): Material;
  consensus(state: RoundState, judgement: Judgement): Consensus;
}

/** Fisher–Yates with a cryptographic source (an order nobody can predict or steer). */
export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
