import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RetentionRegistry } from '@techsapo/audit';
import { RedisService } from '@techsapo/core';
import { analysesConfig } from '../config/analyses.config';
import { fromNanoUsd, LedgerEntry, toNanoUsd } from './ledger-entry';
import type { Owner, OwnerKind } from './owner';
import { nextUtcMidnight, startOfUtcDay, utcDayOf, UtcDay } from './utc-day';

/** One owner's usage on one UTC day. */
export interface DayUsage {
  day: UtcDay;
  ownerId: string;
  ownerKind: OwnerKind;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  calls: number;
  failedCalls: number;
  estimatedCalls: number;
  /** Analyses whose first billed call fell on this day. */
  analyses: number;
}

type DayField =
  | 'kind'
  | 'inputTokens'
  | 'outputTokens'
  | 'costNanoUsd'
  | 'calls'
  | 'failedCalls'
  | 'estimatedCalls'
  | 'analyses';

/**
 * Appends one entry to the analysis' call list and adds it to the owner's day, in one step;
 * an entry already in the list (a retried write) changes nothing.
 */
const RECORD = `
if redis.call('LPOS', KEYS[1], ARGV[1]) then return 0 end
local first = redis.call('RPUSH', KEYS[1], ARGV[1]) == 1
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('HINCRBY', KEYS[2], 'inputTokens', ARGV[2])
redis.call('HINCRBY', KEYS[2], 'outputTokens', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'costNanoUsd', ARGV[4])
redis.call('HINCRBY', KEYS[2], 'calls', 1)
redis.call('HINCRBY', KEYS[2], 'failedCalls', ARGV[5])
redis.call('HINCRBY', KEYS[2], 'estimatedCalls', ARGV[6])
if first then redis.call('HINCRBY', KEYS[2], 'analyses', 1) end
redis.call('HSET', KEYS[2], 'kind', ARGV[9])
redis.call('EXPIREAT', KEYS[2], ARGV[8])
return 1`;

/**
 * The usage ledger in Redis. Per owner (a user or an API key) and under the owner's hash tag,
 * so one script writes both: the list of billed calls of each analysis
 * `<p>:usage:{<ownerId>}:analysis:<id>` (JSON entries, kept as long as analyses), and the
 * owner's totals per UTC day `<p>:usage:{<ownerId>}:day:<YYYY-MM-DD>` (a hash). The set
 * `<p>:usage:days:<YYYY-MM-DD>` names the owners with usage that day, for reports over all.
 * Days are kept for the analysis retention after they end, and purged by the retention job.
 */
@Injectable()
export class UsageLedgerStore implements OnModuleInit {
  constructor(
    private readonly redis: RedisService,
    private readonly retention: RetentionRegistry,
    @Inject(analysesConfig.factory.KEY)
    private readonly config: ConfigType<typeof analysesConfig.factory>,
  ) {}

  onModuleInit(): void {
    this.retention.register('usage', (cutoff) => this.purgeDays(cutoff));
  }

  callsKey(ownerId: string, analysisId: string): string {
    return this.redis.key('usage', this.redis.hashTag(ownerId), 'analysis', analysisId);
  }

  dayKey(ownerId: string, day: UtcDay): string {
    return this.redis.key('usage', this.redis.hashTag(ownerId), 'day', day);
  }

  daySetKey(day: UtcDay): string {
    return this.redis.key('usage', 'days', day);
  }

  /** Records one billed call; false when this entry was recorded before. */
  async record(owner: Owner, analysisId: string, entry: LedgerEntry): Promise<boolean> {
    const at = new Date(entry.at);
    const day = utcDayOf(at);
    const expireAt = this.dayExpiry(at);
    const client = this.redis.client;
    const [, recorded] = await Promise.all([
      client
        .sadd(this.daySetKey(day), owner.id)
        .then(() => client.expireat(this.daySetKey(day), expireAt)),
      client.eval(
        RECORD,
        2,
        this.callsKey(owner.id, analysisId),
        this.dayKey(owner.id, day),
        JSON.stringify(entry),
        whole(entry.inputTokens),
        whole(entry.outputTokens),
        Math.max(0, toNanoUsd(entry.costUsd)),
        entry.ok ? 0 : 1,
        entry.estimated ? 1 : 0,
        this.config.retentionSeconds,
        expireAt,
        owner.kind,
      ) as Promise<number>,
    ]);
    return recorded === 1;
  }

  /** Every billed call of an analysis, in the order recorded. */
  async entries(ownerId: string, analysisId: string): Promise<LedgerEntry[]> {
    const raw = await this.redis.client.lrange(this.callsKey(ownerId, analysisId), 0, -1);
    return raw.map((r) => JSON.parse(r) as LedgerEntry);
  }

  /** What an owner has spent on one day, in USD. */
  async spentOn(ownerId: string, day: UtcDay): Promise<number> {
    const nano = await this.redis.client.hget(this.dayKey(ownerId, day), 'costNanoUsd');
    return fromNanoUsd(Number(nano ?? 0));
  }

  /** An owner's usage on one day, or undefined when there was none. */
  async day(ownerId: string, day: UtcDay): Promise<DayUsage | undefined> {
    const v: Partial<Record<DayField, string>> = await this.redis.client.hgetall(
      this.dayKey(ownerId, day),
    );
    if (!v.calls) return undefined;
    const n = (field: DayField): number => Number(v[field] ?? 0);
    return {
      day,
      ownerId,
      ownerKind: v.kind === 'api-key' ? 'api-key' : 'user',
      inputTokens: n('inputTokens'),
      outputTokens: n('outputTokens'),
      costUsd: fromNanoUsd(n('costNanoUsd')),
      calls: n('calls'),
      failedCalls: n('failedCalls'),
      estimatedCalls: n('estimatedCalls'),
      analyses: n('analyses'),
    };
  }

  /** The owners with usage on a day. */
  async ownersOn(day: UtcDay): Promise<string[]> {
    return this.redis.client.smembers(this.daySetKey(day));
  }

  /** Unix seconds at which a day's records expire: the retention after the day ends. */
  private dayExpiry(at: Date): number {
    return Math.ceil(nextUtcMidnight(at).getTime() / 1000) + this.config.retentionSeconds;
  }

  /** Retention: the days that ended before the cutoff (call lists expire with the analyses). */
  private async purgeDays(cutoff: Date): Promise<number> {
    let removed = 0;
    const prefix = this.daySetKey('');
    for await (const keys of this.redis.scan(`${prefix}*`)) {
      for (const key of keys) {
        const day = key.slice(prefix.length);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
        if (nextUtcMidnight(startOfUtcDay(day)).getTime() > cutoff.getTime()) continue;
        const owners = await this.ownersOn(day);
        const deleted = await Promise.all(
          owners.map((owner) => this.redis.client.unlink(this.dayKey(owner, day))),
        );
        removed += deleted.reduce((sum, n) => sum + n, 0);
        await this.redis.client.unlink(key);
      }
    }
    return removed;
  }
}

function whole(tokens: number): number {
  return Number.isFinite(tokens) ? Math.max(0, Math.round(tokens)) : 0;
}
