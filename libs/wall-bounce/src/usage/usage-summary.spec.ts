import type { AnalysisResult } from '../analysis/analysis.types';
import type { LedgerEntry } from './ledger-entry';
import { billedResult, cachedResult } from './result-usage';
import { summarizeUsage } from './usage-summary';
import { nextUtcMidnight, utcDayOf, utcDaysBetween } from './utc-day';

let n = 0;
function entry(provider: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  n += 1;
  return {
    id: `e${n}`,
    provider,
    model: `${provider}-model`,
    role: 'peer',
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.1,
    ok: true,
    estimated: false,
    attempt: 1,
    at: '2025-01-31T12:00:00.000Z',
    ...over,
  };
}

function result(providers: string[]): AnalysisResult {
  return {
    answer: 'a',
    confidence: 0.9,
    consensus: { score: 0.9, level: 'strong', method: 'm', independent: true, signals: [] },
    degraded: false,
    degradedReasons: [],
    providers: providers.map((name) => ({
      name,
      model: `${name}-model`,
      status: 'ok',
      latencyMs: 5,
      usage: { inputTokens: 1, outputTokens: 1, costUsd: 0.5 },
      roles: ['peer'],
    })),
    dissent: [],
    security: {
      flags: [],
      allowedOperations: ['read', 'analyze', 'suggest'],
      deniedOperations: ['write', 'execute', 'modify'],
    },
    usage: { inputTokens: 3, outputTokens: 3, costUsd: 1.5 },
    task: 'question',
    verdict: 'open',
    confidenceSignals: [],
  };
}

describe('usage summaries', () => {
  it('sums every entry, per provider in first-call order, with exact dollars', () => {
    const summary = summarizeUsage([
      entry('b'),
      entry('a', { ok: false, estimated: true, role: 'aggregator' }),
      entry('b', { attempt: 2, costUsd: 0.2 }),
    ]);
    expect(summary).toEqual({
      inputTokens: 300,
      outputTokens: 150,
      costUsd: 0.4,
      calls: 3,
      failedCalls: 1,
      estimatedCalls: 1,
      providers: [
        {
          name: 'b',
          model: 'b-model',
          roles: ['peer'],
          inputTokens: 200,
          outputTokens: 100,
          costUsd: 0.3,
          calls: 2,
          failedCalls: 0,
          estimatedCalls: 0,
        },
        {
          name: 'a',
          model: 'a-model',
          roles: ['aggregator'],
          inputTokens: 100,
          outputTokens: 50,
          costUsd: 0.1,
          calls: 1,
          failedCalls: 1,
          estimatedCalls: 1,
        },
      ],
    });
    // 0.1 + 0.2 is not 0.3 in floating point; the ledger's sum is.
    expect(summarizeUsage([entry('x'), entry('x', { costUsd: 0.2 })]).costUsd).toBe(0.3);
  });

  it('bills a result with the ledger: every attempt, and providers only an earlier attempt called', () => {
    const ledger = summarizeUsage([
      entry('a'),
      entry('gone'),
      entry('a', { attempt: 2 }),
      entry('b', { attempt: 2 }),
    ]);
    const billed = billedResult(result(['a', 'b', 'c']), ledger);
    expect(billed.usage).toEqual({ inputTokens: 400, outputTokens: 200, costUsd: 0.4 });
    expect(billed.providers.map((p) => [p.name, p.status, p.usage.costUsd])).toEqual([
      ['a', 'ok', 0.2],
      ['b', 'ok', 0.1],
      ['c', 'ok', 0],
      ['gone', 'failed', 0.1],
    ]);
    expect(billed.providers[3]).toMatchObject({ roles: ['peer'], error: /earlier attempt/ });
  });

  it('serves a cached result at no cost, with the original cost apart', () => {
    const original = result(['a', 'b']);
    const cached = cachedResult(original);
    expect(cached.usage).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
    expect(cached.originalUsage).toEqual(original.usage);
    expect(cached.answer).toBe(original.answer);
    expect(original.usage.costUsd).toBe(1.5);
  });
});

describe('UTC days', () => {
  it('names the day, its end, and the days of a range', () => {
    const at = new Date('2025-01-31T23:59:59.999Z');
    expect(utcDayOf(at)).toBe('2025-01-31');
    expect(nextUtcMidnight(at).toISOString()).toBe('2025-02-01T00:00:00.000Z');
    expect(utcDaysBetween('2024-02-28', '2024-03-01')).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(utcDaysBetween('2025-01-02', '2025-01-01')).toEqual([]);
  });
});
