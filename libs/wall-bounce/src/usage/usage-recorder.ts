import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UsageEntry } from '../analysis/analysis.types';
import type { LedgerEntry } from './ledger-entry';
import type { Owner } from './owner';
import type { UsageLedgerStore } from './usage-ledger.store';

/** Pauses before the second and third try of a write that failed (Redis briefly away). */
const RETRY_PAUSES_MS = [50, 250];

export class UsageNotRecordedError extends Error {
  constructor(count: number) {
    super(`the usage of ${count} provider call(s) could not be recorded`);
    this.name = 'UsageNotRecordedError';
  }
}

/**
 * Records the billed calls of one attempt of an analysis as they end: each entry is written at
 * once (not at the end), so a worker that dies later loses nothing already reported. A write
 * that fails is tried again; `settled()` waits for every write and throws when one was lost,
 * so that the attempt fails rather than store a result that undercounts.
 */
export class UsageRecorder {
  private readonly writes = new Set<Promise<void>>();
  private readonly unwritten: LedgerEntry[] = [];

  constructor(
    private readonly store: UsageLedgerStore,
    private readonly owner: Owner,
    private readonly analysisId: string,
    private readonly attempt: number,
  ) {}

  /** The engine's `onUsage`. */
  readonly record = (entry: UsageEntry): void => {
    this.write({ ...entry, id: randomUUID(), attempt: this.attempt, at: new Date().toISOString() });
  };

  /** Resolves once every entry so far is stored; throws UsageNotRecordedError otherwise. */
  async settled(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
    if (this.unwritten.length > 0) throw new UsageNotRecordedError(this.unwritten.length);
  }

  private write(entry: LedgerEntry): void {
    const write = this.persist(entry).finally(() => this.writes.delete(write));
    this.writes.add(write);
  }

  private async persist(entry: LedgerEntry): Promise<void> {
    for (let i = 0; ; i += 1) {
      try {
        await this.store.record(this.owner, this.analysisId, entry);
        return;
      } catch {
        if (i >= RETRY_PAUSES_MS.length) break;
        await sleep(RETRY_PAUSES_MS[i]);
      }
    }
    this.unwritten.push(entry);
  }
}
