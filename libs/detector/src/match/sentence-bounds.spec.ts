import fc from 'fast-check';
import { normalize, spaceAfter, type NormalizedText } from '../normalize/normalizer';
import { SentenceBounds } from './sentence-bounds';

/** A sentence end the slow way: `。`, or `.`, `!`, `?` before white space or the end. */
function endsSentence(text: NormalizedText, i: number): boolean {
  const c = text.units[i];
  if (c === 0x3002) return true;
  return (c === 46 || c === 33 || c === 63) && spaceAfter(text, i);
}

function naiveStart(text: NormalizedText, at: number, floor: number): number {
  for (let i = at - 1; i >= floor; i -= 1) if (endsSentence(text, i)) return i + 1;
  return floor;
}

function naiveEnd(text: NormalizedText, at: number, ceiling: number): number {
  for (let i = at; i < ceiling; i += 1) if (endsSentence(text, i)) return i + 1;
  return ceiling;
}

describe('SentenceBounds', () => {
  it('finds the sentence around a position, a member access not ending one', () => {
    const text = normalize('Do not. Call fs.write now! Really? 自身。done');
    const bounds = new SentenceBounds();
    bounds.reset(text);
    const at = Array.from(text.units).indexOf('w'.charCodeAt(0));
    expect(bounds.start(at, 0)).toBe(naiveStart(text, at, 0));
    expect(bounds.start(at, 0)).toBeGreaterThan(0);
    expect(bounds.end(at, text.length)).toBe(naiveEnd(text, at, text.length));
  });

  it('agrees with reading the text each time, for queries in any order (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', ' ', '.', '!', '?', '。', 'fs.', '\n');
    const query = fc.tuple(fc.nat(60), fc.integer({ min: -10, max: 60 }), fc.nat(60));
    fc.assert(
      fc.property(
        fc.stringOf(alphabet, { maxLength: 60 }),
        fc.array(query, { maxLength: 25 }),
        fc.boolean(),
        (raw, queries, ascending) => {
          const text = normalize(raw);
          const bounds = new SentenceBounds();
          bounds.reset(text);
          const sorted = ascending ? [...queries].sort((a, b) => a[0] - b[0]) : queries;
          for (const [rawAt, reach, span] of sorted) {
            const at = Math.min(rawAt, text.length);
            const floor = Math.max(0, at - reach);
            const ceiling = Math.min(text.length, at + span);
            expect(bounds.start(at, floor)).toBe(naiveStart(text, at, floor));
            expect(bounds.end(at, ceiling)).toBe(naiveEnd(text, at, ceiling));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
