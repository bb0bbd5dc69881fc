import type { AnalysisTask } from '../../analysis/analysis.types';

/**
 * The closed verdict set of each task. The ordered part is a scale (adjacent verdicts half
 * agree); the rest carry no vote: `cannot-tell` (the peer could not judge, or answered in
 * prose) and, for questions, `open` (not a yes/no question: the answer is in the text and its
 * key points).
 */
export const TASK_VERDICTS = {
  review: {
    scale: ['no-issues', 'minor-issues', 'serious-issues'],
    noVote: ['cannot-tell'],
  },
  question: {
    scale: ['yes', 'depends', 'no'],
    noVote: ['open', 'cannot-tell'],
  },
} as const satisfies Record<AnalysisTask, { scale: readonly string[]; noVote: readonly string[] }>;

export const CANNOT_TELL = 'cannot-tell';

/** Every verdict of a task, the scale first. */
export function verdictsOf(task: AnalysisTask): string[] {
  return [...TASK_VERDICTS[task].scale, ...TASK_VERDICTS[task].noVote];
}

/** Position on the task's scale (0 … length − 1), or undefined for a verdict without a vote. */
export function scalePosition(task: AnalysisTask, verdict: string): number | undefined {
  const index = (TASK_VERDICTS[task].scale as readonly string[]).indexOf(verdict);
  return index < 0 ? undefined : index;
}

export function scaleLength(task: AnalysisTask): number {
  return TASK_VERDICTS[task].scale.length;
}

/** Any text that is not a verdict of the task reads as `cannot-tell`. */
export function normaliseVerdict(task: AnalysisTask, value: unknown): string {
  return typeof value === 'string' && verdictsOf(task).includes(value) ? value : CANNOT_TELL;
}
