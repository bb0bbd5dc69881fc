import type { PeerFinding } from '../../analysis/analysis.types';
import { measuredConfidence } from './confidence';
import { levelOf, measureConsensus, TEXT_ONLY_CEILING } from './consensus';
import { measureCouncil } from './council-ranking';
import { measuredDissent } from './dissent';
import { majorityVerdict } from './majority-verdict';
import { type AnswerForScoring, prepareAnswers } from './scored-answer';

const sqli: PeerFinding = {
  title: 'SQL injection through string concatenation',
  severity: 'high',
  location: 'src/db.ts:12',
};
const answer = (
  provider: string,
  verdict: string,
  text: string,
  findings: PeerFinding[] = [],
  confidence = 0.9,
): AnswerForScoring => ({ provider, verdict, text, findings, confidence, structured: true });

const SAFE = answer(
  'peer-a',
  'no-issues',
  'The query is safe: it is not vulnerable to SQL injection.',
);
const UNSAFE_B = answer(
  'peer-b',
  'serious-issues',
  'The query is not safe: it is vulnerable to SQL injection.',
  [sqli],
);
const UNSAFE_C = answer(
  'peer-c',
  'serious-issues',
  'Not safe. User input is concatenated into the SQL, so it is vulnerable to injection.',
  [
    {
      title: 'SQL injection via concatenated user input',
      severity: 'critical',
      location: 'src/db.ts line 13',
    },
  ],
);

describe('measured consensus', () => {
  it('levels: strong from 0.8, moderate from 0.6, weak below', () => {
    expect([0.8, 0.79, 0.6, 0.599, 0].map(levelOf)).toEqual([
      'strong',
      'moderate',
      'moderate',
      'weak',
      'weak',
    ]);
  });

  it('one safe against two unsafe: weak, every signal reported, the same in any order', () => {
    const { report } = measureConsensus('review', prepareAnswers([SAFE, UNSAFE_B, UNSAFE_C]), true);
    expect(report.level).toBe('weak');
    expect(report.score).toBeLessThan(0.5);
    expect(report.method).toBe('measured-peer-agreement');
    expect(report.signals?.map((s) => [s.name, s.weight])).toEqual([
      ['verdict-agreement', 0.5],
      ['findings-overlap', 0.3],
      ['negation-aware-text', 0.2],
    ]);
    expect(report.signals?.[0].value).toBe(0.333);
    const reversed = measureConsensus('review', prepareAnswers([UNSAFE_C, UNSAFE_B, SAFE]), true);
    expect(reversed.report).toEqual(report);
  });

  it('agreeing peers with matching findings: strong; a chain is labelled as one', () => {
    const { report, pairs } = measureConsensus(
      'review',
      prepareAnswers([UNSAFE_B, UNSAFE_C]),
      false,
    );
    expect(pairs[0].signals.findings).toBeGreaterThan(0.7);
    expect(report.score).toBeGreaterThanOrEqual(0.8);
    expect(report).toMatchObject({
      level: 'strong',
      method: 'measured-chain-agreement',
      independent: false,
    });
  });

  it('prose answers count through the text measure alone', () => {
    const prose = (provider: string, text: string): AnswerForScoring => ({
      provider,
      verdict: 'cannot-tell',
      text,
      findings: [],
      structured: false,
    });
    const { report } = measureConsensus(
      'question',
      prepareAnswers([prose('a', 'The query is safe.'), prose('b', 'The query is not safe.')]),
      true,
    );
    // min(1, lexical / 0.4) × (1 − 1/2) × 1/4: one shared concept of two contradicted, and it decides a verdict.
    expect(report.signals?.map((s) => s.value)).toEqual([null, null, 0.125]);
    expect(report.score).toBe(0.125);
  });

  it('the text measure alone never makes a consensus strong, however alike the wording', () => {
    const prose = (provider: string, text: string): AnswerForScoring => ({
      provider,
      verdict: 'cannot-tell',
      text,
      findings: [],
      structured: false,
    });
    const same = 'Use a parameterised query so user input never becomes SQL.';
    const { report } = measureConsensus(
      'question',
      prepareAnswers([prose('a', same), prose('b', same)]),
      true,
    );
    expect(report.signals?.map((s) => s.value)).toEqual([null, null, 1]);
    expect(report.score).toBe(TEXT_ONLY_CEILING);
    expect(report.level).toBe('moderate');
    // One peer that voted lifts the ceiling: verdicts are measured on no pair, findings are.
    const structured = measureConsensus(
      'question',
      prepareAnswers([
        { ...prose('a', same), verdict: 'open', structured: true, findings: [sqli] },
        { ...prose('b', same), verdict: 'open', structured: true, findings: [sqli] },
      ]),
      true,
    );
    expect(structured.report.score).toBe(1);
  });

  it('majority: a plurality of votes; a tie or no vote is cannot-tell, open when the peers said so', () => {
    expect(majorityVerdict('review', [SAFE, UNSAFE_B, UNSAFE_C])).toEqual({
      verdict: 'serious-issues',
      votes: 2,
      voters: 3,
    });
    expect(majorityVerdict('review', [SAFE, UNSAFE_B]).verdict).toBe('cannot-tell');
    expect(
      majorityVerdict('question', [answer('a', 'open', 'x'), answer('b', 'open', 'y')]).verdict,
    ).toBe('open');
  });

  it('dissent names the peer against the majority with its verdict and first sentence', () => {
    const answers = prepareAnswers([SAFE, UNSAFE_B, UNSAFE_C]);
    const { pairs } = measureConsensus('review', answers, true);
    expect(measuredDissent('review', answers, pairs, majorityVerdict('review', answers))).toEqual([
      'peer-a (no-issues): The query is safe: it is not vulnerable to SQL injection.',
    ]);
  });

  it('confidence: share × (0.6 consensus + 0.4 peers’ own), the peers’ part left out when none gave one', () => {
    expect(measuredConfidence(1, [0.5, 1], 3, 3).value).toBe(0.9);
    expect(measuredConfidence(0.9, [0.9], 2, 3).value).toBe(0.6);
    expect(measuredConfidence(0.5, [], 2, 2).value).toBe(0.5);
    expect(measuredConfidence(1, [1], 4, 3).value).toBe(1);
    expect(measuredConfidence(0.5, [], 2, 2).signals.map((s) => s.name)).toEqual([
      'consensus',
      'peer-confidence',
      'answered-share',
    ]);
  });
});

describe('council rankings', () => {
  const same = 'Use SET key value EX 60 so the entry expires after sixty seconds.';
  const identical = prepareAnswers(['a', 'b', 'c'].map((p) => answer(p, 'open', same)));
  const shownTo = new Map([
    ['a', ['b', 'c']],
    ['b', ['a', 'c']],
    ['c', ['a', 'b']],
  ]);

  it('identical answers: the same figures whatever order the reviewers saw them in', () => {
    const orders = [
      [
        ['b', 'c'],
        ['a', 'c'],
        ['a', 'b'],
      ],
      [
        ['c', 'b'],
        ['c', 'a'],
        ['b', 'a'],
      ],
      [
        ['b', 'c'],
        ['c', 'a'],
        ['a', 'b'],
      ],
    ];
    const reports = orders.map((order) =>
      measureCouncil(
        identical,
        order.map((ranking, i) => ({
          reviewer: ['a', 'b', 'c'][i],
          ranking,
          parsedBy: 'json' as const,
        })),
        shownTo,
      ),
    );
    for (const r of reports) {
      expect(r.rankingAgreement).toEqual({ kendallW: null, reviewers: 3, answers: 3 });
      expect(r.aggregateRanking).toEqual(reports[0].aggregateRanking);
    }
    expect(reports[0].aggregateRanking.map((x) => x.meanRank)).toEqual([1.5, 1.5, 1.5]);
  });

  it('consistent rankings of different answers: W = 1, the best answer first', () => {
    const distinct = prepareAnswers([
      answer('a', 'open', 'Use SET with EX for an atomic expiry.'),
      answer('b', 'open', 'Call EXPIRE after SET.'),
      answer('c', 'open', 'Bake bread at two hundred degrees.'),
    ]);
    const report = measureCouncil(
      distinct,
      [
        { reviewer: 'a', ranking: ['b', 'c'], parsedBy: 'json' },
        { reviewer: 'b', ranking: ['a', 'c'], parsedBy: 'json' },
        { reviewer: 'c', ranking: ['a', 'b'], parsedBy: 'fallback' },
      ],
      shownTo,
    );
    expect(report.rankingAgreement.kendallW).toBe(1);
    expect(report.aggregateRanking.map((x) => x.provider)).toEqual(['a', 'b', 'c']);
  });
});
