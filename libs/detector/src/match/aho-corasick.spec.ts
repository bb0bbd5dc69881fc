import fc from 'fast-check';
import { AhoCorasick } from './aho-corasick';

const unitsOf = (text: string): Uint16Array => Uint16Array.from(text, (c) => c.charCodeAt(0));

function occurrences(patterns: string[], text: string, from = 0, to = text.length, after = 0) {
  const found: string[] = [];
  new AhoCorasick(patterns).scanRange(unitsOf(text), from, to, after, {
    hit: (id, end) => found.push(`${id}@${end}`),
  });
  return found.sort();
}

/** Every occurrence of every pattern found the slow way. */
function naive(patterns: string[], text: string, from = 0, to = text.length, after = 0) {
  const found: string[] = [];
  patterns.forEach((pattern, id) => {
    for (let at = from; at + pattern.length <= to; at += 1) {
      if (text.startsWith(pattern, at) && at + pattern.length > after) {
        found.push(`${id}@${at + pattern.length}`);
      }
    }
  });
  return found.sort();
}

describe('AhoCorasick', () => {
  it('finds overlapping, nested and repeated patterns, ASCII and Japanese', () => {
    const patterns = ['he', 'she', 'his', 'hers', '自身', '自身のコード', 'コード'];
    const text = 'ushers 自身のコードを';
    expect(occurrences(patterns, text)).toEqual(naive(patterns, text));
    expect(occurrences(patterns, text)).toContain('5@13');
  });

  it('reports only occurrences that end after the given position in a range', () => {
    const patterns = ['ab', 'abc', 'bc'];
    const text = 'xabcabcx';
    expect(occurrences(patterns, text, 2, 7, 4)).toEqual(naive(patterns, text, 2, 7, 4));
  });

  it('agrees with a naive search on any patterns and text (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'の', 'コ', 'ー', '/', '.');
    const word = fc.stringOf(alphabet, { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 12 }),
        fc.stringOf(alphabet, { maxLength: 80 }),
        (patterns, text) => {
          expect(occurrences(patterns, text)).toEqual(naive(patterns, text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses an empty pattern', () => {
    expect(() => new AhoCorasick([''])).toThrow(/empty pattern/);
  });
});
