import { extractJsonObject, unitScore } from './json-reply';
import { parseJudgement } from './judgement';
import { parseRanking } from './ranking';

const LABELS = ['Response A', 'Response B', 'Response C'];

describe('reading model replies', () => {
  it('finds the JSON object in plain, fenced or chatty replies', () => {
    expect(extractJsonObject('{"a":1}')).toEqual({ a: 1 });
    expect(extractJsonObject('Sure!\n```json\n{"a": "}"}\n```')).toEqual({ a: '}' });
    expect(extractJsonObject('Here it is: {"a": {"b": 2}} hope it helps')).toEqual({ a: { b: 2 } });
    expect(extractJsonObject('no json here')).toBeUndefined();
    expect(extractJsonObject('[1,2]')).toBeUndefined();
  });

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

  it('parses a strict JSON ranking, accepting bare letters, dropping unknown and repeated labels', () => {
    expect(
      parseRanking('{"ranking":["Response C","a","Response Z","C"],"critique":"ok"}', LABELS),
    ).toEqual({
      ranking: ['Response C', 'Response A'],
      critique: 'ok',
      parsedBy: 'json',
    });
  });

  it('falls back to the order labels are named after a ranking heading', () => {
    const text =
      'Response A is thorough but Response C is wrong.\nFINAL RANKING:\n1. Response B\n2. Response A\n3. Response C';
    expect(parseRanking(text, LABELS)).toEqual({
      ranking: ['Response B', 'Response A', 'Response C'],
      parsedBy: 'fallback',
    });
    expect(parseRanking('I cannot decide.', LABELS)).toEqual({ ranking: [], parsedBy: 'none' });
    expect(parseRanking('{"ranking": "B first"}', LABELS).parsedBy).toBe('none');
  });

  it('reads the aggregator judgement, or keeps prose as the answer without scores', () => {
    expect(
      parseJudgement(
        '```json\n{"answer":" Use EX. ","agreement":0.8,"confidence":"90%","dissent":["B: use EXPIRE",3]}\n```',
      ),
    ).toEqual({
      answer: 'Use EX.',
      agreement: 0.8,
      confidence: 0.9,
      dissent: ['B: use EXPIRE'],
      structured: true,
    });
    expect(parseJudgement('Just use EX.')).toEqual({
      answer: 'Just use EX.',
      dissent: [],
      structured: false,
    });
    expect(parseJudgement('{"agreement": 1}').structured).toBe(false);
  });
});
