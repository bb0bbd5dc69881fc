import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { budgetsConfig } from '../config/budgets.config';
import { BudgetExceededError } from '../errors/budget-exceeded.error';
import { roundUsd } from '../providers/usage-cost';
import type { Owner } from '../usage/owner';
import { NamedOwner, OwnerDirectory } from '../usage/owner-directory';
import { UsageLedgerStore } from '../usage/usage-ledger.store';
import { nextUtcMidnight, utcDayOf } from '../usage/utc-day';
import { BudgetStore } from './budget.store';

/** Where a daily budget in force comes from. */
export type BudgetSource = 'override' | 'default' | 'none';

/** An owner's daily budget and today's spend (UTC). */
export interface BudgetStatus extends Owner {
  /** The budget in force; null = none. */
  dailyUsd: number | null;
  source: BudgetSource;
  /** An administrator's budget for this owner; null = the default applies. */
  overrideUsd: number | null;
  spentTodayUsd: number;
  /** null when there is no budget. */
  remainingTodayUsd: number | null;
}

export interface NamedBudgetStatus extends BudgetStatus {
  /** The username or the API key's name; null for an override of an owner that is gone. */
  name: string | null;
}

export interface BudgetOverview {
  defaults: { userDailyUsd: number | null; apiKeyDailyUsd: number | null };
  day: string;
  resetsAt: string;
  items: NamedBudgetStatus[];
}

/**
 * Daily budgets in USD per user and per API key (UTC days): the settings' defaults, an
 * administrator's overrides, and today's spend from the usage ledger. A request of an owner
 * whose budget is spent is refused before anything is queued; a running analysis may spend
 * at most what is left of its owner's day when it starts.
 */
@Injectable()
export class BudgetsService {
  constructor(
    private readonly store: BudgetStore,
    private readonly ledger: UsageLedgerStore,
    private readonly owners: OwnerDirectory,
    @Inject(budgetsConfig.factory.KEY)
    private readonly config: ConfigType<typeof budgetsConfig.factory>,
  ) {}

  async status(owner: Owner, now = new Date()): Promise<BudgetStatus> {
    const [override, spent] = await Promise.all([
      this.store.get(owner),
      this.ledger.spentOn(owner.id, utcDayOf(now)),
    ]);
    return this.statusOf(owner, override, spent);
  }

  /** Throws BudgetExceededError when the owner's budget for today is spent. */
  async admit(owner: Owner, now = new Date()): Promise<BudgetStatus> {
    const status = await this.status(owner, now);
    if (isSpent(status)) throw this.exceeded(status, now);
    return status;
  }

  /**
   * The most an analysis may cost in all: its own cap, and what its earlier attempts spent plus
   * what is left of its owner's day. Undefined when neither limits it. Throws
   * BudgetExceededError when the day is spent already.
   */
  async capFor(
    owner: Owner,
    limits: { maxCostUsd?: number; spentUsd: number },
    now = new Date(),
  ): Promise<number | undefined> {
    const status = await this.admit(owner, now);
    const caps: number[] = [];
    if (limits.maxCostUsd !== undefined) caps.push(limits.maxCostUsd);
    if (status.remainingTodayUsd !== null)
      caps.push(roundUsd(limits.spentUsd + status.remainingTodayUsd));
    return caps.length > 0 ? Math.min(...caps) : undefined;
  }

  /** Every user and API key with its budget and today's spend, and overrides of owners gone. */
  async overview(now = new Date()): Promise<BudgetOverview> {
    const [owners, overrides] = await Promise.all([this.owners.all(), this.store.all()]);
    const known = new Set(owners.map(key));
    const gone = overrides.filter((o) => !known.has(key(o.owner)));
    const override = new Map(overrides.map((o) => [key(o.owner), o.dailyUsd]));
    const day = utcDayOf(now);
    const listed: (Owner & { name: string | null })[] = [
      ...owners,
      ...gone.map((o) => ({ ...o.owner, name: null })),
    ];
    const items = await Promise.all(
      listed.map(async (o) => ({
        ...this.statusOf(
          { kind: o.kind, id: o.id },
          override.get(key(o)),
          await this.ledger.spentOn(o.id, day),
        ),
        name: o.name,
      })),
    );
    return {
      defaults: {
        userDailyUsd: this.config.dailyUsd.user,
        apiKeyDailyUsd: this.config.dailyUsd['api-key'],
      },
      day,
      resetsAt: nextUtcMidnight(now).toISOString(),
      items,
    };
  }

  /** Sets an owner's budget (`null`: back to the default). Unknown users and keys are 404. */
  async set(owner: Owner, dailyUsd: number | null): Promise<NamedBudgetStatus> {
    const named: NamedOwner = await this.owners.find(owner);
    await this.store.set(owner, dailyUsd);
    return { ...(await this.status(owner)), name: named.name };
  }

  private statusOf(owner: Owner, override: number | undefined, spent: number): BudgetStatus {
    const fallback = this.config.dailyUsd[owner.kind];
    const dailyUsd = override ?? fallback;
    return {
      kind: owner.kind,
      id: owner.id,
      dailyUsd,
      source: override !== undefined ? 'override' : fallback !== null ? 'default' : 'none',
      overrideUsd: override ?? null,
      spentTodayUsd: spent,
      remainingTodayUsd: dailyUsd === null ? null : roundUsd(Math.max(0, dailyUsd - spent)),
    };
  }

  private exceeded(status: BudgetStatus, now: Date): BudgetExceededError {
    return new BudgetExceededError(
      {
        kind: status.kind,
        id: status.id,
        dailyUsd: status.dailyUsd ?? 0,
        spentUsd: status.spentTodayUsd,
        resetsAt: nextUtcMidnight(now).toISOString(),
      },
      now,
    );
  }
}

function isSpent(status: BudgetStatus): boolean {
  return status.dailyUsd !== null && status.spentTodayUsd >= status.dailyUsd;
}

function key(owner: Owner): string {
  return `${owner.kind}:${owner.id}`;
}
