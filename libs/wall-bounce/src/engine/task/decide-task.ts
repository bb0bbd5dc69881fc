import type { AnalysisTask } from '../../analysis/analysis.types';

/** `==> path <==` headers, as `head`/`tail` print several files (and the CLI sends them). */
const FILE_HEADER = /^==> .+ <==$/m;
/** A unified diff: git's header, the file markers or a hunk header. */
const DIFF = /^(diff --git |--- a\/|\+\+\+ b\/|@@ -\d+(,\d+)? \+\d+(,\d+)? @@)/m;
const FENCE = /^\s*(```|~~~)/m;
/** A line that reads as code: it ends like a statement or block, or starts with a keyword. */
const CODE_LINE =
  /(^\s*(import|export|from|def|class|function|const|let|var|return|public|private|package|#include|func|fn|SELECT|INSERT|UPDATE|DELETE|CREATE)\b)|([;{}]\s*$)|(\)\s*(=>|:)\s*\{?\s*$)/;
/** Lines that look like code make a review from this many on. */
export const MIN_CODE_LINES = 3;

/**
 * The task when the request does not say: a review when the content carries code or a change
 * (file headers `==> path <==`, a unified diff, a fenced code block, or at least three lines
 * that look like code), a question otherwise.
 */
export function decideTask(content: string, requested?: AnalysisTask): AnalysisTask {
  if (requested) return requested;
  if (FILE_HEADER.test(content) || DIFF.test(content) || FENCE.test(content)) return 'review';
  let codeLines = 0;
  for (const line of content.slice(0, 200_000).split('\n')) {
    if (CODE_LINE.test(line) && (codeLines += 1) >= MIN_CODE_LINES) return 'review';
  }
  return 'question';
}
