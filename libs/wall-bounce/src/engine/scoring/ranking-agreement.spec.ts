import { pairwiseRankingAgreement } from './ranking-agreement';

describe('agreement between reviewers on pairwise order', () => {
  it('three peers: consistent preferences agree fully, a cycle not at all', () => {
    // Answers a > b > c in everyone's eyes (each reviewer ranks the two others).
    expect(
      pairwiseRankingAgreement([
        { reviewer: 'a', ranking: ['b', 'c'] },
        { reviewer: 'b', ranking: ['a', 'c'] },
        { reviewer: 'c', ranking: ['a', 'b'] },
      ])?.score,
    ).toBe(1);
    expect(
      pairwiseRankingAgreement([
        { reviewer: 'a', ranking: ['b', 'c'] },
        { reviewer: 'b', ranking: ['c', 'a'] },
        { reviewer: 'c', ranking: ['a', 'b'] },
      ])?.score,
    ).toBe(0);
  });

  it('four peers: partial disagreement lands strictly between 0 and 1', () => {
    const agreement = pairwiseRankingAgreement([
      { reviewer: 'a', ranking: ['b', 'c', 'd'] },
      { reviewer: 'b', ranking: ['a', 'c', 'd'] },
      { reviewer: 'c', ranking: ['a', 'b', 'd'] },
      { reviewer: 'd', ranking: ['c', 'b', 'a'] }, // the dissenter
    ]);
    expect(agreement?.score).toBeGreaterThan(0);
    expect(agreement?.score).toBeLessThan(1);
    expect(agreement?.comparablePairs).toBeGreaterThan(3);
  });

  it('is undefined when no pair can be compared (two peers, one answer each to rank)', () => {
    expect(
      pairwiseRankingAgreement([
        { reviewer: 'a', ranking: ['b'] },
        { reviewer: 'b', ranking: ['a'] },
      ]),
    ).toBeUndefined();
    expect(pairwiseRankingAgreement([])).toBeUndefined();
  });
});
