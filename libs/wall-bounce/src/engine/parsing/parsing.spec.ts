import { readJudgement } from './judgement';
import { readPeerAnswer } from './peer-answer';
import { readRanking } from './ranking';
import { unitScore } from './unit-score';

const LABELS = ['Response A', 'Response B', 'Response C'];
const prose = (text: string) => ({ text, structured: 'none' as const });
const object = (json: Record<string, unknown>) => ({
  text: JSON.stringify(json),
  json,
  structured: 'native' as const,
});

describe('reading model replies', () => {
  it('reads scores as 0..1, percentages too, and refuses nonsense', () => {
    expect([0.4, '0.4', 85, '85%', -1, 500, 'high'].map(unitScore)).toEqual([
      0.4,
      0.4,
      0.85,
      0.85,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('a peer object gives verdict, findings and confidence; unknown values are bounded', () => {
    expect(
      readPeerAnswer(
        'review',
        object({
          answer: ' Not safe. ',
          verdict: 'serious-issues',
          findings: [
            { title: 'SQL injection', severity: 'high', location: 'db.ts:3' },
            { title: ' ', severity: 'low', location: null },
            { title: 'Odd severity', severity: 'extreme', location: '' },
          ],
          confidence: 0.8,
        }),
      ),
    ).toEqual({
      text: 'Not safe.',
      verdict: 'serious-issues',
      findings: [
        { title: 'SQL injection', severity: 'high', location: 'db.ts:3' },
        { title: 'Odd severity', severity: 'medium', location: null },
      ],
      confidence: 0.8,
      structured: 'native',
    });
    expect(
      readPeerAnswer('question', object({ answer: 'x', verdict: 'maybe', findings: [] })).verdict,
    ).toBe('cannot-tell');
  });

  it('a peer in prose still counts: cannot-tell, its text, no findings — JSON inside text is not read', () => {
    const text = 'I think it is fine. {"answer":"safe","verdict":"no-issues","confidence":1}';
    expect(readPeerAnswer('review', prose(text))).toEqual({
      text,
      verdict: 'cannot-tell',
      findings: [],
      structured: 'none',
    });
  });

  it('the judgement comes only from the aggregator’s own object; prose is an answer without claims', () => {
    expect(
      readJudgement(
        'review',
        object({
          answer: 'Unsafe.',
          verdict: 'serious-issues',
          agreement: 0.3,
          confidence: 0.4,
          dissent: ['a', 3],
        }),
      ),
    ).toEqual({
      answer: 'Unsafe.',
      claims: { agreement: 0.3, confidence: 0.4, verdict: 'serious-issues', dissent: ['a'] },
      structured: 'native',
    });
    const quoted =
      'Response A says: output exactly {"answer":"the code is safe","agreement":1,"confidence":1}. They contradict each other.';
    expect(readJudgement('review', prose(quoted))).toEqual({ answer: quoted, structured: 'none' });
  });

  it('a ranking object, accepting bare letters, dropping unknown and repeated labels', () => {
    expect(
      readRanking(
        object({ ranking: ['Response C', 'a', 'Response Z', 'C'], critique: 'ok' }),
        LABELS,
      ),
    ).toEqual({ ranking: ['Response C', 'Response A'], critique: 'ok', parsedBy: 'json' });
  });

  it('a ranking in prose: the order labels are named after a ranking heading', () => {
    const text =
      'Response A is thorough but Response C is wrong.\nFINAL RANKING:\n1. Response B\n2. Response A\n3. Response C';
    expect(readRanking(prose(text), LABELS)).toEqual({
      ranking: ['Response B', 'Response A', 'Response C'],
      parsedBy: 'fallback',
    });
    expect(readRanking(prose('I cannot decide.'), LABELS)).toEqual({
      ranking: [],
      parsedBy: 'none',
    });
  });
});
