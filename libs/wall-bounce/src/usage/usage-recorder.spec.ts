import type { UsageEntry } from '../analysis/analysis.types';
import type { LedgerEntry } from './ledger-entry';
import type { UsageLedgerStore } from './usage-ledger.store';
import { UsageNotRecordedError, UsageRecorder } from './usage-recorder';

const call: UsageEntry = {
  provider: 'a',
  model: 'm',
  role: 'peer',
  inputTokens: 10,
  outputTokens: 5,
  costUsd: 0.01,
  ok: true,
  estimated: false,
};

/** A ledger in memory whose writes fail `failures` times first. */
function ledger(failures: number) {
  const written: LedgerEntry[] = [];
  let left = failures;
  const store = {
    record: (_owner: unknown, _id: string, entry: LedgerEntry) => {
      if (left > 0) {
        left -= 1;
        return Promise.reject(new Error('connection lost'));
      }
      written.push(entry);
      return Promise.resolve(true);
    },
  } as unknown as UsageLedgerStore;
  return { store, written };
}

describe('UsageRecorder', () => {
  it('writes each call as it is reported, tagged with the attempt, and retries a failed write', async () => {
    const { store, written } = ledger(1);
    const recorder = new UsageRecorder(store, { id: 'u', kind: 'user' }, 'an', 2);
    recorder.record(call);
    recorder.record({ ...call, provider: 'b', ok: false });
    await recorder.settled();
    expect(written.map((e) => [e.provider, e.attempt, e.source])).toEqual(
      expect.arrayContaining([
        ['a', 2, 'call'],
        ['b', 2, 'call'],
      ]),
    );
    expect(new Set(written.map((e) => e.id)).size).toBe(2);
  });

  it('reports a write that kept failing instead of losing it silently', async () => {
    const { store } = ledger(100);
    const recorder = new UsageRecorder(store, { id: 'u', kind: 'user' }, 'an', 1);
    recorder.record(call);
    await expect(recorder.settled()).rejects.toBeInstanceOf(UsageNotRecordedError);
  });

  it('takes a result’s usage only from an engine that reported no call', async () => {
    const result = {
      providers: [
        { name: 'a', model: 'm', status: 'ok', latencyMs: 1, usage: { ...call } },
        {
          name: 'b',
          model: 'm',
          status: 'failed',
          latencyMs: 1,
          usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
        },
      ],
    } as never;
    const silent = ledger(0);
    const fromResult = new UsageRecorder(silent.store, { id: 'u', kind: 'user' }, 'an', 1);
    fromResult.recordResult(result);
    await fromResult.settled();
    expect(silent.written.map((e) => [e.provider, e.source, e.costUsd])).toEqual([
      ['a', 'result', 0.01],
    ]);

    const reporting = ledger(0);
    const perCall = new UsageRecorder(reporting.store, { id: 'u', kind: 'user' }, 'an', 1);
    perCall.record(call);
    perCall.recordResult(result);
    await perCall.settled();
    expect(reporting.written.map((e) => e.source)).toEqual(['call']);
  });
});
