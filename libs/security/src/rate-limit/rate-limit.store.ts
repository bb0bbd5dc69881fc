import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { RedisService } from '@techsapo/core';
import { HIT_WINDOWS } from './rate-limit-scripts';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

export interface RateWindow {
  name: string;
  limit: number;
  ttlMs: number;
}

export interface WindowState extends RateWindow {
  used: number;
  resetMs: number;
}

export interface HitResult {
  allowed: boolean;
  windows: WindowState[];
}

/**
 * Rate-limit counters in Redis, shared by every instance. `hit` checks and counts all windows
 * of a tracker in one atomic script (one round trip); `increment` serves @nestjs/throttler's
 * storage interface with the same script for a single window.
 */
@Injectable()
export class RateLimitStore implements ThrottlerStorage {
  constructor(private readonly redis: RedisService) {}

  async hit(tracker: string, windows: readonly RateWindow[]): Promise<HitResult> {
    const reply = await HIT_WINDOWS.run(
      this.redis.client,
      [this.redis.key('rl', this.redis.hashTag(tracker))],
      windows.flatMap((w) => [w.limit, w.ttlMs]),
    );
    return {
      allowed: reply[0] === 1,
      windows: windows.map((w, i) => ({
        ...w,
        used: Number(reply[1 + 2 * i]),
        resetMs: Number(reply[2 + 2 * i]),
      })),
    };
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const { allowed, windows } = await this.hit(key, [{ name: throttlerName, limit, ttlMs: ttl }]);
    const [w] = windows;
    const seconds = Math.ceil(w.resetMs / 1000);
    return {
      totalHits: allowed ? w.used : w.used + 1,
      timeToExpire: seconds,
      isBlocked: !allowed,
      timeToBlockExpire: allowed ? 0 : seconds,
    };
  }
}
