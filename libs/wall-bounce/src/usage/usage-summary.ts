import type { CallRole, Usage } from '../analysis/analysis.types';
import { fromNanoUsd, LedgerEntry, toNanoUsd } from './ledger-entry';

/** Counts that go with a sum of usage. */
export interface CallCounts {
  /** Ledger entries: billed calls (an entry taken from a result sums one provider's calls). */
  calls: number;
  /** Calls that gave no usable reply (still billed). */
  failedCalls: number;
  /** Calls whose provider reported no usage, so that the figures are estimated. */
  estimatedCalls: number;
}

export interface ProviderUsage extends Usage, CallCounts {
  name: string;
  model: string;
  /** The roles it was billed in, in the order first seen. */
  roles: CallRole[];
}

/** What an analysis has cost so far, over all its attempts, in all and per provider. */
export interface AnalysisUsage extends Usage, CallCounts {
  providers: ProviderUsage[];
}

/** Nothing called yet: every figure and count 0. */
export function noCalls(): Usage & CallCounts {
  return {
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    calls: 0,
    failedCalls: 0,
    estimatedCalls: 0,
  };
}

export function emptyUsage(): AnalysisUsage {
  return { ...noCalls(), providers: [] };
}

/** Sums ledger entries, per provider in the order they were first called. */
export function summarizeUsage(entries: readonly LedgerEntry[]): AnalysisUsage {
  const byName = new Map<string, ProviderUsage & { nano: number }>();
  let nano = 0;
  const total = noCalls();
  for (const e of entries) {
    let p = byName.get(e.provider);
    if (!p) {
      p = { ...noCalls(), name: e.provider, model: e.model, roles: [], nano: 0 };
      byName.set(e.provider, p);
    }
    const cost = toNanoUsd(e.costUsd);
    for (const sum of [p, total]) {
      sum.inputTokens += e.inputTokens;
      sum.outputTokens += e.outputTokens;
      sum.calls += 1;
      if (!e.ok) sum.failedCalls += 1;
      if (e.estimated) sum.estimatedCalls += 1;
    }
    p.model = e.model;
    if (!p.roles.includes(e.role)) p.roles.push(e.role);
    p.nano += cost;
    nano += cost;
  }
  return {
    ...total,
    costUsd: fromNanoUsd(nano),
    providers: [...byName.values()].map(({ nano: n, ...p }) => ({ ...p, costUsd: fromNanoUsd(n) })),
  };
}

/** The plain usage figures of a summary (the shape results carry). */
export function usageOf(summary: Usage): Usage {
  return {
    inputTokens: summary.inputTokens,
    outputTokens: summary.outputTokens,
    costUsd: summary.costUsd,
  };
}
