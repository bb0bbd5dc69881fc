import { Injectable } from '@nestjs/common';
import { FieldError, ValidationFailedError } from '@techsapo/core';
import type { Usage } from '../analysis/analysis.types';
import { fromNanoUsd, toNanoUsd } from './ledger-entry';
import type { Owner } from './owner';
import { OwnerDirectory } from './owner-directory';
import { DayUsage, UsageLedgerStore } from './usage-ledger.store';
import { UsageRecorder } from './usage-recorder';
import { AnalysisUsage, CallCounts, noCalls, summarizeUsage } from './usage-summary';
import { startOfUtcDay, utcDayOf, utcDaysBetween, UtcDay } from './utc-day';

/** A usage report covers at most this many days. */
export const MAX_USAGE_REPORT_DAYS = 31;
/** Without `since`, a report covers this many days up to `until`. */
const DEFAULT_REPORT_DAYS = 7;
const DAY_MS = 86_400_000;

export interface UsageQuery {
  /** ISO 8601 date or date-time; its UTC day is the first reported. */
  since?: string;
  /** ISO 8601 date or date-time; its UTC day is the last reported (default today). */
  until?: string;
  ownerId?: string;
}

export interface OwnerDayUsage extends DayUsage {
  /** The username or API key name; null when the owner is gone. */
  ownerName: string | null;
}

export interface UsageReport {
  since: UtcDay;
  until: UtcDay;
  items: OwnerDayUsage[];
  totals: Usage & CallCounts & { analyses: number };
}

/**
 * What analyses cost: the recorder a worker hands the engine for one attempt, the usage of one
 * analysis over all its attempts, and reports per owner and UTC day for administrators.
 */
@Injectable()
export class UsageService {
  constructor(
    private readonly ledger: UsageLedgerStore,
    private readonly owners: OwnerDirectory,
  ) {}

  recorder(owner: Owner, analysisId: string, attempt: number): UsageRecorder {
    return new UsageRecorder(this.ledger, owner, analysisId, attempt);
  }

  async forAnalysis(ownerId: string, analysisId: string): Promise<AnalysisUsage> {
    return summarizeUsage(await this.ledger.entries(ownerId, analysisId));
  }

  /** Usage per owner and day, oldest day first; throws ValidationFailedError for a bad range. */
  async report(query: UsageQuery, now = new Date()): Promise<UsageReport> {
    const { since, until } = reportRange(query, now);
    const days = utcDaysBetween(since, until);
    const rows = (
      await Promise.all(
        days.map(async (day) => {
          const owners = query.ownerId ? [query.ownerId] : await this.ledger.ownersOn(day);
          return Promise.all(owners.map((owner) => this.ledger.day(owner, day)));
        }),
      )
    )
      .flat()
      .filter((row): row is DayUsage => row !== undefined);
    const names = new Map(
      rows.length > 0 ? (await this.owners.all()).map((o) => [o.id, o.name]) : [],
    );
    const items = rows
      .map((row) => ({ ...row, ownerName: names.get(row.ownerId) ?? null }))
      .sort((a, b) => a.day.localeCompare(b.day) || a.ownerId.localeCompare(b.ownerId));
    return { since, until, items, totals: totalOf(items) };
  }
}

function reportRange(query: UsageQuery, now: Date): { since: UtcDay; until: UtcDay } {
  const errors: FieldError[] = [];
  const until = query.until ? dayOf(query.until, 'until', errors) : utcDayOf(now);
  const since = query.since
    ? dayOf(query.since, 'since', errors)
    : until &&
      utcDayOf(new Date(startOfUtcDay(until).getTime() - (DEFAULT_REPORT_DAYS - 1) * DAY_MS));
  if (errors.length === 0 && since && until) {
    const span = utcDaysBetween(since, until).length;
    if (span === 0) errors.push({ field: 'since', message: 'must not be after until' });
    else if (span > MAX_USAGE_REPORT_DAYS)
      errors.push({
        field: 'since',
        message: `must be at most ${MAX_USAGE_REPORT_DAYS} days before until`,
      });
  }
  if (errors.length > 0 || !since || !until) throw new ValidationFailedError(errors);
  return { since, until };
}

function dayOf(value: string, field: string, errors: FieldError[]): UtcDay | undefined {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    errors.push({ field, message: 'must be an ISO 8601 date or date-time' });
    return undefined;
  }
  return utcDayOf(at);
}

function totalOf(items: readonly DayUsage[]): UsageReport['totals'] {
  let nano = 0;
  const totals = { ...noCalls(), analyses: 0 };
  for (const row of items) {
    totals.inputTokens += row.inputTokens;
    totals.outputTokens += row.outputTokens;
    totals.calls += row.calls;
    totals.failedCalls += row.failedCalls;
    totals.estimatedCalls += row.estimatedCalls;
    totals.analyses += row.analyses;
    nano += toNanoUsd(row.costUsd);
  }
  return { ...totals, costUsd: fromNanoUsd(nano) };
}
