import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';

/** KEYS: the lock. ARGV: the holder's token. Deletes the lock only while the token holds it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The retention lock in Redis, so one instance at a time purges: one key holding its holder's
 * random token, expiring so that a holder that dies frees it, released only by its holder.
 */
@Injectable()
export class RetentionLockStore {
  private readonly key: string;

  constructor(private readonly redis: RedisService) {
    this.key = redis.key('retention', 'lock');
  }

  /** Takes the lock for `ttlMs` under `token`; false when another holder has it. */
  async acquire(token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.client.set(this.key, token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Gives the lock up, when `token` still holds it (not after it expired and was taken). */
  async release(token: string): Promise<void> {
    // redis-slot: one key (the lock)
    await this.redis.client.eval(RELEASE, 1, this.key, token);
  }
}
