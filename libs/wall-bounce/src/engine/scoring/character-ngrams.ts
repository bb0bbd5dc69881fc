/** Longer answers are compared on their first this-many characters (bounded cost). */
const MAX_CHARS = 50_000;

/**
 * Folds width and case (NFKC, lower case) and turns every run of characters that are not
 * letters or digits into one space, so that "Ｒｅｄｉｓ、" and "redis," compare equal.
 */
export function normalizeForSimilarity(text: string): string {
  return Array.from(text.normalize('NFKC').toLowerCase())
    .slice(0, MAX_CHARS)
    .join('')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Character n-grams (code points, so kana and kanji count as one each) with counts. */
export function characterNgrams(text: string, n: number): Map<string, number> {
  const chars = Array.from(text);
  const grams = new Map<string, number>();
  if (chars.length > 0 && chars.length < n) grams.set(chars.join(''), 1);
  for (let i = 0; i + n <= chars.length; i += 1) {
    const gram = chars.slice(i, i + n).join('');
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** Sørensen–Dice coefficient of two n-gram multisets: 2·|A∩B| / (|A|+|B|). */
export function dice(a: Map<string, number>, b: Map<string, number>): number {
  let sizeA = 0;
  let sizeB = 0;
  let shared = 0;
  for (const count of a.values()) sizeA += count;
  for (const [gram, count] of b) {
    sizeB += count;
    shared += Math.min(count, a.get(gram) ?? 0);
  }
  if (sizeA + sizeB === 0) return 1;
  return (2 * shared) / (sizeA + sizeB);
}

/** n of the character n-grams: trigrams separate unrelated English well and still work for Japanese. */
export const NGRAM_SIZE = 3;
