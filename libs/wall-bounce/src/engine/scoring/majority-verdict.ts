import type { AnalysisTask } from '../../analysis/analysis.types';
import { CANNOT_TELL, scalePosition } from '../task/verdicts';
import type { AnswerForScoring } from './scored-answer';

export interface Majority {
  /** The verdict most peers voted for; `cannot-tell` on a tie or without votes (`open` when the peers said so). */
  verdict: string;
  votes: number;
  voters: number;
}

/** The peers' majority verdict: a plurality of the votes, none on a tie. */
export function majorityVerdict(
  task: AnalysisTask,
  answers: readonly AnswerForScoring[],
): Majority {
  const counts = new Map<string, number>();
  let voters = 0;
  for (const a of answers) {
    if (scalePosition(task, a.verdict) === undefined) continue;
    voters += 1;
    counts.set(a.verdict, (counts.get(a.verdict) ?? 0) + 1);
  }
  const ranked = [...counts].sort((x, y) => y[1] - x[1]);
  if (ranked.length && (ranked.length === 1 || ranked[0][1] > ranked[1][1])) {
    return { verdict: ranked[0][0], votes: ranked[0][1], voters };
  }
  const open = voters === 0 && answers.some((a) => a.verdict === 'open');
  return { verdict: open ? 'open' : CANNOT_TELL, votes: 0, voters };
}
