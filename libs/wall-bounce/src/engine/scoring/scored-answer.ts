import type { PeerFinding } from '../../analysis/analysis.types';
import { comparableFindings, type ComparableFinding } from './findings-overlap';
import { profileText, type TextProfile } from './negation-aware-similarity';

/** A peer's answer as the scores see it (only what the peer itself wrote). */
export interface AnswerForScoring {
  provider: string;
  verdict: string;
  findings: readonly PeerFinding[];
  text: string;
  /** The peer's own confidence (its claim), when it gave one. */
  confidence?: number;
  /** False for an answer in prose: its missing findings say nothing. */
  structured: boolean;
}

/** The answer with its texts read once for every comparison. */
export interface ScoredAnswer extends AnswerForScoring {
  profile: TextProfile;
  comparable: ComparableFinding[];
}

/** Prepared in a fixed order (by provider name), so no figure depends on arrival or shuffle. */
export function prepareAnswers(answers: readonly AnswerForScoring[]): ScoredAnswer[] {
  return [...answers]
    .sort((a, b) => (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0))
    .map((a) => ({
      ...a,
      profile: profileText(a.text),
      comparable: comparableFindings(a.findings),
    }));
}

/** A short summary of an answer for dissent and reasons: its first sentence, capped. */
export function summaryOf(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?[.!?。！？])(\s|$)/u.exec(flat)?.[1] ?? flat;
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}
