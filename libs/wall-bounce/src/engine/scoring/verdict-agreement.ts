import type { AnalysisTask } from '../../analysis/analysis.types';
import { scaleLength, scalePosition } from '../task/verdicts';

/**
 * Agreement of two verdicts on the task's ordered scale: 1 equal, 0 at opposite ends, between
 * in proportion to the distance (no-issues / minor-issues: 0.5). Undefined when either carries
 * no vote (`cannot-tell`, `open`).
 */
export function verdictAgreement(task: AnalysisTask, a: string, b: string): number | undefined {
  const x = scalePosition(task, a);
  const y = scalePosition(task, b);
  if (x === undefined || y === undefined) return undefined;
  return 1 - Math.abs(x - y) / (scaleLength(task) - 1);
}
