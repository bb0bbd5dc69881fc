import type { ContentFile } from '../analyze/content';

/** A detector finding placed in a file (1-based lines and UTF-16 columns, end exclusive). */
export interface LocatedFinding {
  rule: string;
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface OffsetFinding {
  rule: string;
  start: number;
  end: number;
}

/** Where each line of `text` starts (offsets), for position(). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** The 0-based line index and 1-based UTF-16 column of an offset. */
export function position(starts: number[], offset: number): { index: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { index: low, column: offset - starts[low] + 1 };
}

/**
 * Runs `scan` (the content detector) on each file's text and turns its offsets into file
 * positions, so a flag the server reports on the whole content can be pointed at its lines.
 */
export function locateFindings(
  files: ContentFile[],
  scan: (text: string) => OffsetFinding[],
): LocatedFinding[] {
  const located: LocatedFinding[] = [];
  for (const file of files) {
    const starts = lineStarts(file.text);
    const line = (index: number) => file.lines?.[index] ?? index + 1;
    for (const finding of scan(file.text)) {
      const start = position(starts, finding.start);
      const end = position(starts, Math.max(finding.start, finding.end));
      located.push({
        rule: finding.rule,
        path: file.path,
        startLine: line(start.index),
        startColumn: start.column,
        endLine: line(end.index),
        endColumn: end.column,
      });
    }
  }
  return located;
}
