import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';
import type { Owner } from '../usage/owner';

/** An administrator's daily budget for one user or API key. */
export interface BudgetOverride {
  owner: Owner;
  dailyUsd: number;
}

/**
 * Daily budgets set by administrators: one hash `<p>:budgets`, field `<kind>:<id>`, value the
 * budget in USD. Kept until changed (no expiry): it is configuration, not processed data.
 */
@Injectable()
export class BudgetStore {
  constructor(private readonly redis: RedisService) {}

  get key(): string {
    return this.redis.key('budgets');
  }

  async get(owner: Owner): Promise<number | undefined> {
    const value = await this.redis.client.hget(this.key, field(owner));
    return value === null ? undefined : Number(value);
  }

  /** Sets the override, or removes it (`null`: the default applies again). */
  async set(owner: Owner, dailyUsd: number | null): Promise<void> {
    if (dailyUsd === null) await this.redis.client.hdel(this.key, field(owner));
    else await this.redis.client.hset(this.key, field(owner), String(dailyUsd));
  }

  async all(): Promise<BudgetOverride[]> {
    const raw = await this.redis.client.hgetall(this.key);
    return Object.entries(raw).flatMap(([f, value]) => {
      const match = /^(user|api-key):(.+)$/.exec(f);
      return match
        ? [{ owner: { kind: match[1] as Owner['kind'], id: match[2] }, dailyUsd: Number(value) }]
        : [];
    });
  }
}

function field(owner: Owner): string {
  return `${owner.kind}:${owner.id}`;
}
