import type { NormalizedText } from '../normalize/normalizer';
import { SentenceBounds } from './sentence-bounds';

/**
 * Where a near token may lie: inside [start, end), beginning no later than `latestStart`
 * and ending no earlier than `earliestEnd` (a window measures the gap to the hit, however
 * long the token).
 */
export interface Region {
  start: number;
  end: number;
  latestStart: number;
  earliestEnd: number;
}

const OPEN = 40;
const CLOSE = 41;
const CALL_PREFIX = 24;

const isCallPrefixUnit = (c: number): boolean =>
  (c >= 97 && c <= 122) ||
  (c >= 48 && c <= 57) ||
  c === 95 ||
  c === 36 ||
  c === 46 ||
  c === 39 ||
  c === 34 ||
  c === 93 ||
  c === 32;

const isCommandSeparator = (c: number): boolean => c === 59 || c === 124 || c === 38;

/**
 * The structure of one normalised text that regions need: line breaks, matching parentheses
 * and shell command separators. Parentheses are indexed in one linear pass the first time a
 * scan asks for them, so a region costs O(1) however many hits share it (the buffer is reused
 * from scan to scan). Separators are read on from where the last search stopped: hits come in
 * order, so the text is read about once.
 */
export class TextRegions {
  private text!: NormalizedText;
  private close = new Int32Array(0);
  private parensIndexed = false;
  /** No command separator lies in [clearFrom, clearTo); one lies at clearTo if `blocked`. */
  private clearFrom = 0;
  private clearTo = 0;
  private blocked = false;
  /** The line found last (see findLine); empty after a reset. */
  private lineFrom = 0;
  private lineTo = 0;
  private readonly sentences = new SentenceBounds();

  reset(text: NormalizedText): void {
    this.text = text;
    this.sentences.reset(text);
    this.parensIndexed = false;
    this.clearFrom = 0;
    this.clearTo = 0;
    this.blocked = false;
    this.lineFrom = 0;
    this.lineTo = 0;
  }

  /**
   * The argument list of the call a hit names, parentheses included: an optional member tail
   * and quote/bracket (`fs['writeFileSync'](`, `subprocess.run(`), then `(` … its matching
   * `)`, at most `window`.
   */
  callArguments(from: number, window: number, out: Region): boolean {
    const { units, length } = this.text;
    let i = from;
    const prefixEnd = Math.min(length, from + CALL_PREFIX);
    while (i < prefixEnd && units[i] !== OPEN && isCallPrefixUnit(units[i])) i += 1;
    // A token that ends with its own `(` starts the arguments right away.
    const open = from > 0 && units[from - 1] === OPEN ? from - 1 : i;
    if (open >= length || units[open] !== OPEN) return false;
    if (!this.parensIndexed) this.indexParens();
    const limit = Math.min(length, open + window);
    const close = this.close[open];
    out.start = open;
    out.end = close >= 0 && close < limit ? close + 1 : limit;
    out.latestStart = out.end;
    out.earliestEnd = open;
    return true;
  }

  /** The rest of a shell command line: up to a line break, `;`, `|` or `&`, at most `window`. */
  commandLine(from: number, window: number, out: Region): void {
    const end = Math.min(this.text.length, from + window, this.lineEnd(from));
    out.start = from;
    out.end = this.separatorBefore(from, end);
    out.latestStart = out.end;
    out.earliestEnd = from;
  }

  /** The first command separator in [from, end), or `end`. */
  private separatorBefore(from: number, end: number): number {
    const { units } = this.text;
    let i = from;
    if (from >= this.clearFrom && from <= this.clearTo) {
      if (this.blocked || end <= this.clearTo) return Math.min(end, this.clearTo);
      i = this.clearTo;
    } else {
      this.clearFrom = from;
    }
    while (i < end && !isCommandSeparator(units[i])) i += 1;
    this.clearTo = i;
    this.blocked = i < end;
    return i;
  }

  /**
   * Where the sentence holding `at` starts, looking back no further than `floor` (a window's
   * reach: read only for hits whose other constraints held).
   */
  sentenceStart(at: number, floor: number): number {
    return this.sentences.start(at, floor);
  }

  /** Where the sentence holding `at` ends (after its mark), looking no further than `ceiling`. */
  sentenceEnd(at: number, ceiling: number): number {
    return this.sentences.end(at, ceiling);
  }

  /** Where the line holding `at` ends (the start of the next line, or the end of the text). */
  lineEnd(at: number): number {
    this.findLine(at);
    return this.lineTo;
  }

  /** Where the line holding `at` starts. */
  lineStart(at: number): number {
    this.findLine(at);
    return this.lineFrom;
  }

  /**
   * Sets [lineFrom, lineTo) to the line holding `at`: hits come in order and many share a
   * line, so the last line found usually answers without a search.
   */
  private findLine(at: number): void {
    if (at >= this.lineFrom && at < this.lineTo) return;
    const { breaks, breakCount, length } = this.text;
    const index = this.nextBreak(at);
    this.lineFrom = index > 0 ? breaks[index - 1] : 0;
    this.lineTo = index < breakCount ? breaks[index] : length;
  }

  /** The index of the first line break after `at` (binary search over the ascending breaks). */
  private nextBreak(at: number): number {
    const { breaks, breakCount } = this.text;
    let lo = 0;
    let hi = breakCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid] <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** For every `(`, the position of its matching `)`, or -1. */
  private indexParens(): void {
    const { units, length } = this.text;
    if (this.close.length < length) this.close = new Int32Array(length);
    const stack = new Int32Array(Math.min(length, 1 << 16) + 1);
    let depth = 0;
    let overflow = 0;
    for (let i = 0; i < length; i += 1) {
      const c = units[i];
      if (c === OPEN) {
        this.close[i] = -1;
        // Beyond the stack's depth, parentheses are left unmatched (the window bounds them).
        if (depth < stack.length) stack[depth++] = i;
        else overflow += 1;
      } else if (c === CLOSE) {
        if (overflow > 0) overflow -= 1;
        else if (depth > 0) this.close[stack[--depth]] = i;
      }
    }
    this.parensIndexed = true;
  }
}
