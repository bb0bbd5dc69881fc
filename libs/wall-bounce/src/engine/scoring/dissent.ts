import type { AnalysisTask } from '../../analysis/analysis.types';
import { scalePosition } from '../task/verdicts';
import type { Majority } from './majority-verdict';
import type { PairAgreement } from './pair-agreement';
import { type AnswerForScoring, summaryOf } from './scored-answer';

/** Below this mean agreement with the majority, an answer that contradicts it dissents. */
export const DISSENT_BELOW = 0.5;

/**
 * Measured dissent: the peers whose verdict differs from the majority verdict, and the peers
 * without a vote whose answer contradicts the majority's (a negated concept and a mean pair
 * agreement below DISSENT_BELOW), each as "name (verdict): first sentence".
 */
export function measuredDissent(
  task: AnalysisTask,
  answers: readonly AnswerForScoring[],
  pairs: readonly PairAgreement[],
  majority: Majority,
): string[] {
  const hasMajority = scalePosition(task, majority.verdict) !== undefined;
  const inMajority = new Set(
    answers.filter((a) => !hasMajority || a.verdict === majority.verdict).map((a) => a.provider),
  );
  const dissent: string[] = [];
  for (const answer of answers) {
    const votes = scalePosition(task, answer.verdict) !== undefined;
    let dissents = hasMajority && votes && answer.verdict !== majority.verdict;
    if (!dissents && !(votes && hasMajority)) {
      const against = pairs.filter(
        (p) =>
          (p.a === answer.provider && inMajority.has(p.b) && p.b !== answer.provider) ||
          (p.b === answer.provider && inMajority.has(p.a) && p.a !== answer.provider),
      );
      const meanScore = against.reduce((s, p) => s + p.score, 0) / (against.length || 1);
      dissents =
        against.length > 0 &&
        meanScore < DISSENT_BELOW &&
        against.some((p) => p.contradictions > 0);
    }
    if (dissents) dissent.push(`${answer.provider} (${answer.verdict}): ${summaryOf(answer.text)}`);
  }
  return dissent;
}
