import type { Analysis } from '../api/types';
import { evaluateGate } from './gate';

const completed = (score: number, degraded = false): Analysis => ({
  id: 'a1',
  status: 'completed',
  mode: 'parallel',
  createdAt: '2026-12-01T00:00:00.000Z',
  ownerId: 'u1',
  cached: false,
  usage: {
    inputTokens: 1,
    outputTokens: 1,
    costUsd: 0,
    calls: 1,
    failedCalls: 0,
    estimatedCalls: 0,
    providers: [],
  },
  result: {
    answer: 'ok',
    confidence: 0.8,
    consensus: {
      score,
      level: 'moderate',
      method: 'measured-peer-agreement',
      independent: true,
      signals: [],
    },
    degraded,
    degradedReasons: degraded ? ['provider gemini failed'] : [],
    providers: [],
    dissent: [],
    security: { flags: [], allowedOperations: [], deniedOperations: [] },
    usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
    task: 'question',
    verdict: 'yes',
    confidenceSignals: [],
  },
});

describe('evaluateGate', () => {
  it('passes a completed analysis without thresholds', () => {
    expect(evaluateGate(completed(0.1, true), {})).toBeUndefined();
  });

  it('fails a consensus below --min-consensus, not one equal to it', () => {
    expect(evaluateGate(completed(0.69), { minConsensus: 0.7 })).toBe(
      'gate failed: consensus 0.69 is below --min-consensus 0.7',
    );
    expect(evaluateGate(completed(0.7), { minConsensus: 0.7 })).toBeUndefined();
  });

  it('fails a degraded result only with --fail-on-degraded, giving the reasons', () => {
    expect(evaluateGate(completed(0.9, true), { failOnDegraded: true })).toBe(
      'gate failed: the result is degraded (provider gemini failed)',
    );
    expect(evaluateGate(completed(0.9, false), { failOnDegraded: true })).toBeUndefined();
  });

  it('names both reasons in one line', () => {
    expect(evaluateGate(completed(0.2, true), { minConsensus: 0.5, failOnDegraded: true })).toBe(
      'gate failed: consensus 0.20 is below --min-consensus 0.5; the result is degraded (provider gemini failed)',
    );
  });

  it('always fails a failed or cancelled analysis', () => {
    const failed: Analysis = {
      ...completed(0),
      status: 'failed',
      result: undefined,
      error: {
        type: 'https://techsapo.dev/problems/insufficient-providers',
        title: 'Insufficient providers',
        status: 503,
        detail: 'only 1 of 2 providers answered',
        instance: '/api/v1/analyses/a1',
        requestId: 'r1',
      },
    };
    expect(evaluateGate(failed, {})).toBe(
      'gate failed: analysis a1 failed: Insufficient providers (only 1 of 2 providers answered)',
    );
    expect(evaluateGate({ ...completed(1), status: 'cancelled', result: undefined }, {})).toBe(
      'gate failed: analysis a1 cancelled',
    );
  });
});
