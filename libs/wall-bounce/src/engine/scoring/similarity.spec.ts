import { meanPairwiseSimilarity, normalizeForSimilarity, textSimilarity } from './similarity';

describe('character n-gram similarity', () => {
  it('is 1 for texts equal after folding width, case and punctuation', () => {
    expect(normalizeForSimilarity('Ｒｅｄｉｓ、 SET!')).toBe('redis set');
    expect(textSimilarity('Use Redis SET.', 'use redis set')).toBe(1);
  });

  it('orders English texts by how much they say the same', () => {
    const a = 'Set the key with SET key value EX 60 so that Redis expires it after a minute.';
    const paraphrase = 'Use SET key value EX 60; Redis then expires the key after one minute.';
    const unrelated = 'Bake the bread at two hundred degrees for forty minutes until golden.';
    expect(textSimilarity(a, paraphrase)).toBeGreaterThan(0.4);
    expect(textSimilarity(a, unrelated)).toBeLessThan(0.25);
    expect(textSimilarity(a, paraphrase)).toBeGreaterThan(textSimilarity(a, unrelated) + 0.2);
  });

  it('works for Japanese, which has no spaces between words', () => {
    const a = 'Redisのキャッシュは SET コマンドの EX オプションで有効期限を設定します。';
    const paraphrase =
      'キャッシュの有効期限は、Redisの SET コマンドに EX オプションを付けて設定します。';
    const unrelated = '今日は天気が良いので、公園へ散歩に行きました。';
    expect(textSimilarity(a, paraphrase)).toBeGreaterThan(0.5);
    expect(textSimilarity(a, unrelated)).toBeLessThan(0.1);
    // Full-width and half-width forms are the same characters.
    expect(textSimilarity('ＲＥＤＩＳの設定', 'redisの設定')).toBe(1);
  });

  it('is symmetric, bounded, and defined for empty and one-character texts', () => {
    expect(textSimilarity('abc', 'abd')).toBe(textSimilarity('abd', 'abc'));
    expect(textSimilarity('', 'abc')).toBe(0);
    expect(textSimilarity('', '')).toBe(1);
    expect(textSimilarity('a', 'a')).toBe(1);
    expect(textSimilarity('猫', '犬')).toBe(0);
  });

  it('averages every pair and needs two texts', () => {
    expect(meanPairwiseSimilarity(['x'])).toBeUndefined();
    expect(meanPairwiseSimilarity(['same text', 'same text', 'same text'])).toBe(1);
    const mixed = meanPairwiseSimilarity(['same text', 'same text', 'other words']) as number;
    expect(mixed).toBeGreaterThan(0.3);
    expect(mixed).toBeLessThan(1);
  });
});
