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
    expect(written.map((e) => [e.provider, e.attempt, e.ok])).toEqual(
      expect.arrayContaining([
        ['a', 2, true],
        ['b', 2, false],
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
});
