import { conceptMentions, lightStem } from './polarised-concepts';
import { negationAwareSimilarity, profileText } from './negation-aware-similarity';

const agreement = (a: string, b: string) => negationAwareSimilarity(profileText(a), profileText(b));

describe('negation-aware text agreement', () => {
  it.each([
    ['The query is safe.', 'The query is not safe, SQL injection.'],
    ['The query is safe and not vulnerable.', 'The query is not safe and vulnerable.'],
    ['The query is safe.', 'The query is unsafe.'],
    ['The code is correct.', "The code isn't correct."],
    ['Yes, bcrypt is suitable for password hashing.', 'No, bcrypt is not suitable; use argon2.'],
    [
      'このクエリは安全です。',
      'このクエリは安全ではありません。SQLインジェクションの脆弱性があります。',
    ],
    ['このクエリは安全で、脆弱性はありません。', 'このクエリは安全ではなく、脆弱性があります。'],
    ['この設定は必要です。', 'この設定は不要です。'],
    ['入力の検証は十分です。', '入力の検証は不十分です。'],
    ['エラーは発生しません。', 'エラーが発生します。'],
  ])('scores a contradiction low: %s / %s', (a, b) => {
    const result = agreement(a, b);
    expect(result.contradictions).toBeGreaterThan(0);
    // Under the consensus gate (0.6) with room to spare, whatever else the pair shares.
    expect(result.score).toBeLessThan(0.4);
  });

  it.each([
    [
      'Use SET key value EX 60 so the entry expires after sixty seconds.',
      'Set the value with SET key value EX 60; Redis expires it after sixty seconds.',
    ],
    ['The query is safe and not vulnerable.', 'The query is not vulnerable; it is safe.'],
    [
      'このクエリは安全です。脆弱性はありません。',
      '脆弱性は存在しないので、このクエリは安全です。',
    ],
    [
      'Redisのキャッシュは SET コマンドの EX オプションで有効期限を設定します。',
      'キャッシュの有効期限は、Redisの SET コマンドに EX オプションを付けて設定します。',
    ],
  ])('scores an agreement high: %s / %s', (a, b) => {
    const result = agreement(a, b);
    expect(result.contradictions).toBe(0);
    expect(result.score).toBeGreaterThan(0.7);
  });

  it('keeps unrelated texts low and identical texts at 1, symmetric', () => {
    const a = 'Bake the bread at two hundred degrees for forty minutes until golden.';
    const b = 'Use SET key value EX 60 so the entry expires after sixty seconds.';
    expect(agreement(a, b).score).toBeLessThan(0.3);
    expect(agreement(b, b).score).toBe(1);
    expect(agreement(a, b).score).toBe(agreement(b, a).score);
  });

  it('reads negation scope, contractions and existence predicates', () => {
    const negated = (text: string) =>
      conceptMentions(text)
        .filter((m) => m.negated)
        .map((m) => m.stem);
    expect(negated("It isn't vulnerable, but the log leaks tokens.")).toEqual(['vulnerabl']);
    expect(negated('SQL injection is not possible here')).toEqual(['sql', 'injection', 'possibl']);
    expect(negated('問題ありません')).toEqual(['問題']);
    expect(negated('少ない入力で動きます')).toEqual([]);
    expect(lightStem('expires')).toBe(lightStem('expired'));
  });

  it('bounds its work on long texts', () => {
    const long = 'the key expires after a minute and is safe. '.repeat(50_000);
    expect(agreement(long, long).score).toBe(1);
  });
});
