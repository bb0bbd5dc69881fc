import fc from 'fast-check';
import { AhoCorasick } from './aho-corasick';

const unitsOf = (text: string): Uint16Array => Uint16Array.from(text, (c) => c.charCodeAt(0));

function occurrences(patterns: string[], text: string, from = 0, to = text.length, after = 0) {
  const found: string[] = [];
  new AhoCorasick(patterns).scanRange(unitsOf(text), from, to, after, {
    hits: (ids, ends, count) => {
      for (let k = 0; k < count; k += 1) found.push(`${ids[k]}@${ends[k]}`);
    },
  });
  return found.sort();
}

/** The same through `scan`, the pass over a whole text. */
function wholeText(patterns: string[], text: string) {
  const found: string[] = [];
  new AhoCorasick(patterns).scan(unitsOf(text), text.length, {
    hits: (ids, ends, count) => {
      for (let k = 0; k < count; k += 1) found.push(`${ids[k]}@${ends[k]}`);
    },
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

  it.each<[string, string[], number, number, number]>([
    ['ASCII and Japanese of one block', ['a', 'b', 'c', 'の', 'コ', 'ー', '/', '.'], 5, 12, 80],
    // Hiragana and kanji from five blocks of 256 units, full width, Latin-1: the wide columns
    // of several blocks in one automaton.
    [
      'units from several blocks of 256',
      ['a', '/', 'の', 'ー', '漢', '字', '変', '更', 'Ａ', 'é', '\u00a0'],
      6,
      16,
      100,
    ],
  ])(
    'agrees with a naive search on any patterns and text: %s (property)',
    (_name, units, longest, most, textLength) => {
      const alphabet = fc.constantFrom(...units);
      const word = fc.stringOf(alphabet, { minLength: 1, maxLength: longest });
      fc.assert(
        fc.property(
          fc.uniqueArray(word, { minLength: 1, maxLength: most }),
          fc.stringOf(alphabet, { maxLength: textLength }),
          (patterns, text) => {
            expect(occurrences(patterns, text)).toEqual(naive(patterns, text));
            expect(wholeText(patterns, text)).toEqual(naive(patterns, text));
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('agrees with a naive search whether few or many units start a pattern (property)', () => {
    const letters = Array.from({ length: 40 }, (_, k) => String.fromCharCode(48 + k));
    const alphabet = fc.constantFrom(...letters, 'の', ' ');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringOf(alphabet, { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
        fc.boolean(),
        fc.stringOf(alphabet, { maxLength: 120 }),
        fc.nat(120),
        (words, many, text, from) => {
          const patterns = many ? [...letters, ...words] : ['の', ...words];
          const start = Math.min(from, text.length);
          expect(occurrences(patterns, text, start, text.length, start)).toEqual(
            naive(patterns, text, start, text.length, start),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('passes over units at the start only where no occurrence can begin (property)', () => {
    // Units whose low 12 bits are equal share an entry of the start table, and pairs may share
    // a bit of the pair filter: both only cost transitions. A token of one unit stops the scan
    // by itself; a unit that begins longer tokens only with one of their second units.
    const alphabet = fc.constantFrom('a', 'b', '}', '%', '>', '\u1061', '\u2062', 'の', 'ー');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringOf(alphabet, { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.stringOf(alphabet, { maxLength: 60 }),
        fc.nat(60),
        fc.nat(60),
        (patterns, text, a, b) => {
          const from = Math.min(a, b, text.length);
          const to = Math.min(Math.max(a, b), text.length);
          expect(occurrences(patterns, text, from, to, from)).toEqual(
            naive(patterns, text, from, to, from),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports a subset of its patterns in the order an automaton of the subset alone does (property)', () => {
    // Searches that share one automaton of all their tokens read only their own hits: those
    // must come in the same order (of end, then longest first) as from an automaton of their own.
    const alphabet = fc.constantFrom('a', 'b', 'の', 'い', 'な', ' ');
    const inOrder = (patterns: string[], own: Set<string>, text: string, from: number) => {
      const found: string[] = [];
      new AhoCorasick(patterns).scanRange(unitsOf(text), from, text.length, from, {
        hits: (ids, ends, count) => {
          for (let k = 0; k < count; k += 1) {
            if (own.has(patterns[ids[k]])) found.push(`${patterns[ids[k]]}@${ends[k]}`);
          }
        },
      });
      return found;
    };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringOf(alphabet, { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.uniqueArray(fc.stringOf(alphabet, { minLength: 1, maxLength: 4 }), { maxLength: 10 }),
        fc.stringOf(alphabet, { maxLength: 80 }),
        fc.nat(80),
        (own, others, text, at) => {
          const subset = new Set(own);
          const shared = [...new Set([...others, ...own])];
          const from = Math.min(at, text.length);
          expect(inOrder(shared, subset, text, from)).toEqual(inOrder(own, subset, text, from));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports every occurrence of a dense text in order of end, over many batches', () => {
    const ends: number[] = [];
    const calls: number[] = [];
    new AhoCorasick(['a', 'aa']).scanRange(unitsOf('a'.repeat(5000)), 0, 5000, 0, {
      hits: (ids, at, count) => {
        calls.push(count);
        for (let k = 0; k < count; k += 1) ends.push(at[k]);
      },
    });
    expect(ends).toHaveLength(5000 + 4999);
    expect(ends.every((end, k) => k === 0 || end >= ends[k - 1])).toBe(true);
    expect(calls.length).toBeGreaterThan(1);
  });

  it('reports every copy of a repeated pattern and patterns out of sorted order', () => {
    const patterns = ['zeta', 'ab', 'abc', 'ab', '自身', 'b', 'zeta'];
    const text = 'zetabc 自身 abab';
    expect(occurrences(patterns, text)).toEqual(naive(patterns, text));
    expect(occurrences(patterns, text)).toEqual(
      expect.arrayContaining(['1@5', '3@5', '0@4', '6@4']),
    );
  });

  it('refuses an empty pattern', () => {
    expect(() => new AhoCorasick([''])).toThrow(/empty pattern/);
  });
});
