import type { AnalysisTask } from '../../analysis/analysis.types';
import { scalePosition } from '../task/verdicts';
import type { Majority } from './majority-verdict';
import type { PairAgreement } from './pair-agreement';
import type { AnswerForScoring } from './scored-answer';

/**
 * The peer answer that agrees most with the others (highest mean pair score), among the
 * majority's voters when there is a majority: what stands in as the answer, named as such,
 * when the cost cap stopped the aggregation. Ties go to the first in the answers' fixed order.
 */
export function centralAnswer(
  task: AnalysisTask,
  answers: readonly AnswerForScoring[],
  pairs: readonly PairAgreement[],
  majority: Majority,
): AnswerForScoring | undefined {
  const hasMajority = scalePosition(task, majority.verdict) !== undefined;
  const candidates = answers.filter((a) => !hasMajority || a.verdict === majority.verdict);
  let best: AnswerForScoring | undefined;
  let bestScore = -1;
  for (const answer of candidates) {
    const own = pairs.filter((p) => p.a === answer.provider || p.b === answer.provider);
    const score = own.length ? own.reduce((s, p) => s + p.score, 0) / own.length : 0;
    if (score > bestScore) {
      best = answer;
      bestScore = score;
    }
  }
  return best;
}
