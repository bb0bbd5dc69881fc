import type { UsageEntry } from '../analysis/analysis.types';

/** One billed provider call in the usage ledger of an analysis. */
export interface LedgerEntry extends UsageEntry {
  /** Unique per call, so that a retried write of the same entry is recorded once. */
  id: string;
  /** Which run of the analysis made the call (a worker takeover starts another). */
  attempt: number;
  at: string;
}

/** Dollars are kept as whole nano-dollars in Redis, so sums never drift. */
export function toNanoUsd(usd: number): number {
  return Math.round(usd * 1e9);
}

export function fromNanoUsd(nano: number): number {
  return nano / 1e9;
}
