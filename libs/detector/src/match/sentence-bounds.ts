import { spaceAfter, type NormalizedText } from '../normalize/normalizer';

const IDEOGRAPHIC_FULL_STOP = 0x3002;
const FULL_STOP = 46;
const isQuestionOrExclamation = (c: number): boolean => c === 33 || c === 63;
/** The marks a sentence may end with, tested before the rest of a sentence end. */
const mayEndSentence = (c: number): boolean =>
  c === FULL_STOP || c === IDEOGRAPHIC_FULL_STOP || isQuestionOrExclamation(c);

/**
 * Whether a sentence ends at `i`: a `。`, or a `.`, `!` or `?` followed by white space or the
 * end of the text. All three are read in the decoded text: the normalised one drops the space
 * before `(`, so a mark then a line break and `(` would not end a sentence there.
 */
export function endsSentence(text: NormalizedText, i: number): boolean {
  const c = text.units[i];
  if (c === IDEOGRAPHIC_FULL_STOP) return true;
  return (c === FULL_STOP || isQuestionOrExclamation(c)) && spaceAfter(text, i);
}

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
    let to = this.quietBackTo;
    if (to < from || at < from) return this.readBack(at, floor, at);
    if (at > to) {
      // Read back to where the last answer's stretch ends, then take what it knows.
      const end = this.lastEnd(at, Math.max(to, floor));
      if (end >= 0) return this.quietBack(end + 1, at, true);
      if (floor >= to) return this.quietBack(Math.min(floor, at), at, false, floor);
      to = at;
    }
    // No sentence ends in [from, to), which holds [from, at).
    if (floor >= from) return this.quietBack(from, to, this.endBefore, floor);
    if (this.endBefore) return this.quietBack(from, to, true);
    return this.readBack(from, floor, to);
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
    const { units } = this.text;
    while (i < ceiling && !(mayEndSentence(units[i]) && endsSentence(this.text, i))) i += 1;
    this.quietOnTo = i;
    this.endAt = i < ceiling;
    return this.endAt ? i + 1 : ceiling;
  }

  /** Reads back from `from` to `floor`, knowing that no sentence ends in [from, to). */
  private readBack(from: number, floor: number, to: number): number {
    const end = this.lastEnd(from, floor);
    if (end >= 0) return this.quietBack(end + 1, to, true);
    return this.quietBack(Math.min(floor, from), to, false, floor);
  }

  /** The last sentence end in [floor, before), or -1. */
  private lastEnd(before: number, floor: number): number {
    const { units } = this.text;
    for (let i = before - 1; i >= floor; i -= 1) {
      if (mayEndSentence(units[i]) && endsSentence(this.text, i)) return i;
    }
    return -1;
  }

  /**
   * Records that no sentence ends in [from, to) and whether one ends at from - 1; returns
   * `answer`.
   */
  private quietBack(from: number, to: number, endBefore: boolean, answer = from): number {
    this.quietBackFrom = from;
    this.quietBackTo = to;
    this.endBefore = endBefore;
    return answer;
  }
}
