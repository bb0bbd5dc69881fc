import type { AnalysisEvent, AnalysisEventType } from '../analysis/analysis.types';
import { abandonedCalls } from './abandoned-calls';

function log(...events: [AnalysisEventType, Record<string, unknown>?][]): AnalysisEvent[] {
  return events.map(([type, data = {}], i) => ({
    type,
    analysisId: 'a',
    seq: i + 1,
    at: '2025-01-31T12:00:00.000Z',
    data,
  }));
}

describe('abandoned calls', () => {
  it('finds the calls an attempt started and never ended', () => {
    const calls = abandonedCalls(
      log(
        ['queued'],
        ['started', { attempt: 1 }],
        ['provider_started', { provider: 'a', role: 'peer' }],
        ['provider_started', { provider: 'b', role: 'peer' }],
        ['provider_started', { provider: 'c', role: 'peer' }],
        ['provider_completed', { provider: 'a', role: 'peer', latencyMs: 3 }],
        ['provider_failed', { provider: 'c', role: 'peer', status: 'failed' }],
        ['aggregating', { provider: 'a' }],
        ['provider_started', { provider: 'a', role: 'aggregator' }],
      ),
    );
    expect(calls).toEqual([
      { call: { provider: 'b', role: 'peer' }, attempt: 1 },
      { call: { provider: 'a', role: 'aggregator' }, attempt: 1 },
    ]);
  });

  it('tells apart calls of the same provider by step, and attempts from each other', () => {
    const calls = abandonedCalls(
      log(
        ['started', { attempt: 1 }],
        ['provider_started', { provider: 'a', role: 'peer', step: 1 }],
        ['provider_completed', { provider: 'a', role: 'peer', step: 1 }],
        ['provider_started', { provider: 'a', role: 'refine', step: 3 }],
        // The next attempt closed what the first left open, then left its own call open.
        ['provider_abandoned', { provider: 'a', role: 'refine', step: 3, attempt: 1 }],
        ['started', { attempt: 2 }],
        ['provider_started', { provider: 'a', role: 'peer', step: 1 }],
        // An outcome of another attempt does not close it.
        ['provider_abandoned', { provider: 'a', role: 'peer', step: 1, attempt: 1 }],
      ),
    );
    expect(calls).toEqual([{ call: { provider: 'a', role: 'peer', step: 1 }, attempt: 2 }]);
  });

  it('finds nothing in a log without open calls', () => {
    expect(abandonedCalls(log(['queued'], ['started', { attempt: 1 }], ['completed']))).toEqual([]);
  });
});
