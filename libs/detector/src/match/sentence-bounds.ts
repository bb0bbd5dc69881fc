import { spaceAfter, type NormalizedText } from '../normalize/normalizer';

const IDEOGRAPHIC_FULL_STOP = 0x3002;
const FULL_STOP = 46;
const SPACE = 32;
const isQuestionOrExclamation = (c: number): boolean => c === 33 || c === 63;

/**
 * Where the sentences around hits start and end, read from the hits outwards and only for hits
 * whose other constraints held (no pass over the whole text). Each direction remembers the
 * stretch its last answer read without finding a sentence end: hits come in order, so a run of
 * anchors inside one long sentence (a negation repeated without a full stop) reads the text
 * about once instead of a window back from every anchor.
 */
export class SentenceBounds {
  private text!: NormalizedText;
  /** No sentence ends in [quietBackFrom, quietBackTo); one ends just before it if `endBefore`. */
  private quietBackFrom = 0;
  private quietBackTo = -1;
  private endBefore = false;
  /** No sentence ends in [quietOnFrom, quietOnTo); one ends at quietOnTo if `endAt`. */
  private quietOnFrom = 0;
  private quietOnTo = -1;
  private endAt = false;

  reset(text: NormalizedText): void {
    this.text = text;
    this.quietBackTo = -1;
    this.quietOnTo = -1;
  }

  /**
   * Where the sentence holding `at` starts, looking back no further than `floor` (a window's
   * reach).
   */
  start(at: number, floor: number): number {
    const from = this.quietBackFrom;
    const to = this.quietBackTo;
    if (to < from || to > at) return this.startReadingBack(at, floor, at);
    // Read back to where the last answer's stretch ends, then take what it knows.
    for (let i = at - 1; i >= to && i >= floor; i -= 1) {
      if (this.endsSentence(i)) return this.quietBack(i + 1, at, true);
    }
    if (floor >= to) return this.quietBack(floor, at, false);
    if (floor >= from || this.endBefore) return this.quietBack(from, at, this.endBefore, floor);
    return this.startReadingBack(from, floor, at);
  }

  /** Where the sentence holding `at` ends (after its mark), looking no further than `ceiling`. */
  end(at: number, ceiling: number): number {
    const from = this.quietOnFrom;
    const to = this.quietOnTo;
    let i = at;
    if (at >= from && at <= to) {
      if (ceiling <= to) return ceiling;
      if (this.endAt) return to + 1;
      i = to;
    } else {
      this.quietOnFrom = at;
    }
    while (i < ceiling && !this.endsSentence(i)) i += 1;
    this.quietOnTo = i;
    this.endAt = i < ceiling;
    return this.endAt ? i + 1 : ceiling;
  }

  /** Reads back from `from` to `floor`; nothing ends a sentence in [from, at). */
  private startReadingBack(from: number, floor: number, at: number): number {
    for (let i = from - 1; i >= floor; i -= 1) {
      if (this.endsSentence(i)) return this.quietBack(i + 1, at, true);
    }
    return this.quietBack(Math.min(floor, at), at, false, floor);
  }

  /** Records that no sentence ends in [from, to) (and whether one ends at from - 1). */
  private quietBack(from: number, to: number, endBefore: boolean, answer = from): number {
    this.quietBackFrom = from;
    this.quietBackTo = to;
    this.endBefore = endBefore;
    return endBefore ? Math.max(from, answer) : answer;
  }

  /** A `。`, or a `.`, `!` or `?` followed by white space or the end of the text. */
  private endsSentence(i: number): boolean {
    const { units, length } = this.text;
    const c = units[i];
    if (c === IDEOGRAPHIC_FULL_STOP) return true;
    if (isQuestionOrExclamation(c)) return i + 1 >= length || units[i + 1] === SPACE;
    return c === FULL_STOP && spaceAfter(this.text, i);
  }
}
