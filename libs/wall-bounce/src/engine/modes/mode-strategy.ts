import { randomInt } from 'node:crypto';
import type {
  AnalysisRequest,
  AnalysisTask,
  CouncilReview,
  PeerAnswerReport,
} from '../../analysis/analysis.types';
import type { LlmProvider } from '../../providers/llm-provider';
import type { AnalysisRun } from '../analysis-run';
import type { LabelledText } from '../prompts/untrusted';
import type { QuorumPolicy } from './quorum';

export interface PeerAnswer {
  provider: LlmProvider;
  answer: PeerAnswerReport;
  /** Why it is left out of the consensus and of every later prompt; still reported. */
  excluded?: string;
}

export interface RoundState {
  answers: PeerAnswer[];
  /** Council: the reviews, labels mapped back to provider names. */
  reviews: CouncilReview[];
  /** Council: which answers (by provider) each reviewer was shown. */
  shownTo: Map<string, string[]>;
  /** Providers asked for an answer in the first round (the denominator of the answered share). */
  asked: number;
}

export interface ModeContext {
  run: AnalysisRun;
  request: AnalysisRequest;
  task: AnalysisTask;
  sequentialDepth: number;
  quorum: QuorumPolicy;
  /** A provider not used yet (nor planned: `planned`) whose circuit is not open, to take a failed step. */
  substitute(planned: ReadonlySet<string>): LlmProvider | undefined;
}

/** What the aggregator sees (anonymised). */
export interface Material {
  answers: LabelledText[];
  reviews: LabelledText[];
}

/** What differs between parallel, sequential and council; the engine does the rest. */
export interface ModeStrategy {
  /** False for a chain: each step saw the earlier answers. */
  readonly independent: boolean;
  collect(peers: LlmProvider[]): Promise<RoundState>;
  /** Escalation: one more round with a further provider. */
  extend(state: RoundState, provider: LlmProvider): Promise<void>;
  material(state: RoundState): Material;
}

/** The answers that count: those not left out. */
export function counted(state: RoundState): PeerAnswer[] {
  return state.answers.filter((a) => !a.excluded);
}

export function newRound(asked: number): RoundState {
  return { answers: [], reviews: [], shownTo: new Map(), asked };
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
