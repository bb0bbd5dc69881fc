import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';
import { createHash } from 'node:crypto';
import { RedisScript } from '../../common/redis-script';

/** KEYS: the bans. Returns the longest time left in ms, 0 when none. */
const BANNED_FOR = new RedisScript<number>(`
local left = 0
for _, key in ipairs(KEYS) do
  local ttl = redis.call('PTTL', key)
  if ttl > left then left = ttl end
end
return left`);

/**
 * KEYS: failures then bans, pairwise (username, address). ARGV: window ms, max, ban ms.
 * Counts a failure for each; at `max` within the window the ban starts. Returns 1/0 per pair.
 */
const RECORD_FAILURE = new RedisScript<number[]>(`
local n = #KEYS / 2
local started = {}
for i = 1, n do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
  started[i] = 0
  if count >= tonumber(ARGV[2]) then
    redis.call('SET', KEYS[n + i], '1', 'PX', ARGV[3])
    redis.call('DEL', KEYS[i])
    started[i] = 1
  end
end
return started`);

/** When failures start a ban: at `maxFailures` within `windowMs`, for `banMs`. */
export interface BanRule {
  windowMs: number;
  maxFailures: number;
  banMs: number;
}

/**
 * Failed logins and bans in Redis, per username and per client address: a failure count that
 * expires with its window, and a ban key that expires with the ban. Keys share the `{login}`
 * tag; usernames are hashed into them.
 */
@Injectable()
export class LoginBansStore {
  constructor(private readonly redis: RedisService) {}

  /** The longest ban left on the name or the address, in ms; 0 when neither is banned. */
  async longestBanMs(username: string, ip: string): Promise<number> {
    const left = await BANNED_FOR.run(this.redis.client, [
      this.key('ban', 'user', username),
      this.key('ban', 'ip', ip),
    ]);
    return Number(left);
  }

  /** Counts one failure for the name and for the address; true when either ban started. */
  async countFailure(username: string, ip: string, rule: BanRule): Promise<boolean> {
    const started = await RECORD_FAILURE.run(
      this.redis.client,
      [
        this.key('failures', 'user', username),
        this.key('failures', 'ip', ip),
        this.key('ban', 'user', username),
        this.key('ban', 'ip', ip),
      ],
      [rule.windowMs, rule.maxFailures, rule.banMs],
    );
    return started.some((s) => s === 1);
  }

  /** Forgets the name's failures (the address keeps its own). */
  async clearFailures(username: string): Promise<void> {
    await this.redis.client.del(this.key('failures', 'user', username));
  }

  private key(what: 'ban' | 'failures', kind: 'user' | 'ip', value: string): string {
    // Names are hashed: any string may be tried, keys stay short and printable.
    const part =
      kind === 'user'
        ? createHash('sha256')
            .update(value.normalize('NFKC').toLowerCase())
            .digest('hex')
            .slice(0, 32)
        : value;
    return this.redis.key(this.redis.hashTag('login'), what, kind, part);
  }
}
