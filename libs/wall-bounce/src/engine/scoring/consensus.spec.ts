import { combinedConfidence, judgedConsensus, levelOf, reviewerConsensus } from './consensus';

describe('consensus and confidence', () => {
  it('levels: strong from 0.8, moderate from 0.6, weak below', () => {
    expect([0.8, 0.79, 0.6, 0.599, 0].map(levelOf)).toEqual([
      'strong',
      'moderate',
      'moderate',
      'weak',
      'weak',
    ]);
  });

  it('combines the judgement (0.6) and the similarity (0.4), or uses the similarity alone', () => {
    expect(judgedConsensus(0.5, 1)).toEqual({
      score: 0.8,
      level: 'strong',
      method: 'aggregator-judgement+ngram-similarity',
    });
    expect(judgedConsensus(0.45)).toEqual({
      score: 0.45,
      level: 'weak',
      method: 'ngram-similarity',
    });
    expect(reviewerConsensus(2 / 3)).toEqual({
      score: 0.667,
      level: 'moderate',
      method: 'reviewer-pairwise-agreement',
    });
  });

  it('confidence = reported × share of peers that succeeded (consensus when none reported)', () => {
    expect(combinedConfidence(0.9, 0.5, 3, 3)).toBe(0.9);
    expect(combinedConfidence(0.9, 0.5, 2, 3)).toBe(0.6);
    expect(combinedConfidence(undefined, 0.5, 2, 2)).toBe(0.5);
    expect(combinedConfidence(0.9, 0.5, 4, 3)).toBe(0.9); // escalation cannot exceed 1
  });
});
