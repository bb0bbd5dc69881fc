import { kendallW, ranksOf } from './kendall-w';

const ranks = (entries: Record<string, number>) => new Map(Object.entries(entries));
const plain = (order: string[]) => ranksOf(order, order, (x) => x);

describe("Kendall's W", () => {
  it('complete rankings: 1 when identical, 0 when opposite, the textbook value with ties', () => {
    const items = ['a', 'b', 'c', 'd'];
    expect(kendallW(items, [plain(items), plain(items), plain(items)])).toBe(1);
    expect(kendallW(items, [plain(items), plain([...items].reverse())])).toBe(0);
    // 12S / (m²(n³−n) − mΣT), computed by hand: ranks a:1,2,1.5 b:2,1,1.5 c:3,3,3.5 d:4,4,3.5.
    const tied = [
      ranks({ a: 1, b: 2, c: 3, d: 4 }),
      ranks({ a: 2, b: 1, c: 3, d: 4 }),
      ranks({ a: 1.5, b: 1.5, c: 3.5, d: 3.5 }),
    ];
    const sums = [4.5, 4.5, 9.5, 11.5];
    const s = sums.reduce((acc, r) => acc + (r - 7.5) ** 2, 0);
    const expected = (12 * s) / (9 * (64 - 4) - 3 * (6 + 6));
    expect(kendallW(items, tied)).toBeCloseTo(expected, 3);
  });

  it('a council of three (each ranks the two others): consistent = 1, a cycle = 0', () => {
    const items = ['a', 'b', 'c'];
    expect(kendallW(items, [plain(['b', 'c']), plain(['a', 'c']), plain(['a', 'b'])])).toBe(1);
    expect(kendallW(items, [plain(['b', 'c']), plain(['c', 'a']), plain(['a', 'b'])])).toBe(0);
  });

  it('is null when not measurable: all ties, one answer each, a review missing, one reviewer', () => {
    const items = ['a', 'b', 'c'];
    const tie = (x: string, y: string) => ranks({ [x]: 1.5, [y]: 1.5 });
    expect(kendallW(items, [tie('b', 'c'), tie('a', 'c'), tie('a', 'b')])).toBeNull();
    expect(kendallW(['a', 'b'], [plain(['b']), plain(['a'])])).toBeNull();
    expect(kendallW(items, [plain(['b', 'c']), plain(['a', 'c'])])).toBeNull();
    expect(kendallW(items, [plain(['a', 'b', 'c'])])).toBeNull();
  });

  it('ranks tie groups from where their first member stands and put unranked answers last', () => {
    const group = (x: string) => (x === 'b' ? 'a' : x);
    expect(ranksOf(['a', 'c', 'b'], ['a', 'b', 'c'], group)).toEqual(
      ranks({ a: 1.5, b: 1.5, c: 3 }),
    );
    expect(ranksOf(['c'], ['a', 'b', 'c'], (x) => x)).toEqual(ranks({ c: 1, a: 2.5, b: 2.5 }));
    expect(ranksOf(['x', 'c', 'c'], ['c', 'd'], (x) => x)).toEqual(ranks({ c: 1, d: 2 }));
  });
});
