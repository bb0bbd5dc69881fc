/**
 * Hashed text features for the learned signal: character n-grams of the detector's normalised
 * text (they carry Japanese, which has no spaces, and survive spelling variants), word unigrams
 * and bigrams of its Latin-script words. Each feature is hashed (FNV-1a, 32 bit) into a fixed
 * number of slots; counts are damped (1 + ln n) and the vector is scaled to unit length, so a
 * long text and a short one weigh alike.
 */

export interface FeatureSpec {
  /** Shortest and longest character n-gram. */
  charMin: number;
  charMax: number;
  /** Word unigrams and bigrams as well. */
  words: boolean;
  /** log2 of the number of hash slots. */
  bits: number;
}

/** A sparse vector: ascending slot indices and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Seeds that keep the kinds of feature apart (a word is not the n-gram with the same units). */
const SEED = { char: FNV_OFFSET, word: 0x2f3a1b77, bigram: 0x5bd1e995 };

/** One FNV-1a step: the hash of what `hash` covered followed by `unit`. */
export function fnvStep(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, FNV_PRIME) >>> 0;
}

/** The FNV-1a hash of `text`'s units from `seed`. */
export function hashText(text: string, seed = FNV_OFFSET): number {
  let hash = seed;
  for (let i = 0; i < text.length; i += 1) hash = fnvStep(hash, text.charCodeAt(i));
  return hash;
}

/** Latin letters, digits and `_`: what a word is made of (Japanese is left to n-grams). */
function isWordUnit(unit: number): boolean {
  return (
    (unit >= 97 && unit <= 122) ||
    (unit >= 48 && unit <= 57) ||
    unit === 95 ||
    (unit >= 65 && unit <= 90)
  );
}

/**
 * Counts features into a dense accumulator and remembers the slots it touched, so a text costs
 * in proportion to its length and not to the number of slots. One instance serves text after
 * text.
 */
export class Featurizer {
  private readonly counts: Float64Array;
  private readonly touched: number[] = [];
  private readonly mask: number;

  constructor(readonly spec: FeatureSpec) {
    this.counts = new Float64Array(1 << spec.bits);
    this.mask = (1 << spec.bits) - 1;
  }

  /** The feature vector of `text` (normalised text: lower case, whitespace collapsed). */
  vector(text: string, from = 0, to = text.length): SparseVector {
    this.addCharGrams(text, from, to);
    if (this.spec.words) this.addWords(text, from, to);
    return this.take();
  }

  private add(hash: number): void {
    const slot = hash & this.mask;
    if (this.counts[slot] === 0) this.touched.push(slot);
    this.counts[slot] += 1;
  }

  private addCharGrams(text: string, from: number, to: number): void {
    const { charMin, charMax } = this.spec;
    for (let i = from; i < to; i += 1) {
      let hash = SEED.char;
      const last = Math.min(to, i + charMax);
      for (let k = i; k < last; k += 1) {
        hash = fnvStep(hash, text.charCodeAt(k));
        if (k - i + 1 >= charMin) this.add(hash);
      }
    }
  }

  private addWords(text: string, from: number, to: number): void {
    let previous = -1;
    let i = from;
    while (i < to) {
      if (!isWordUnit(text.charCodeAt(i))) {
        i += 1;
        continue;
      }
      let hash = SEED.word;
      while (i < to && isWordUnit(text.charCodeAt(i))) {
        hash = fnvStep(hash, text.charCodeAt(i));
        i += 1;
      }
      this.add(hash);
      if (previous >= 0) this.add(fnvStep(fnvStep(SEED.bigram, previous), hash));
      previous = hash;
    }
  }

  /** The accumulated features as a unit-length vector of damped counts; clears the accumulator. */
  private take(): SparseVector {
    const slots = Int32Array.from(this.touched).sort();
    const values = new Float64Array(slots.length);
    let norm = 0;
    for (let j = 0; j < slots.length; j += 1) {
      const value = 1 + Math.log(this.counts[slots[j]]);
      values[j] = value;
      norm += value * value;
      this.counts[slots[j]] = 0;
    }
    this.touched.length = 0;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < values.length; j += 1) values[j] *= scale;
    return { indices: slots, values };
  }
}
