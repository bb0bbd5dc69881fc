import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RedisService } from '@techsapo/core';
import { createHash } from 'node:crypto';
import { RedisScript } from '../../common/redis-script';
import { securityConfig } from '../../config/security.config';

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

/**
 * AU5: failed logins counted per username and per client address (TRUST_PROXY decides what
 * the address is); at LOGIN_MAX_FAILURES within the window, logins for that name or from that
 * address are refused for the ban period, whatever the password. Keys share the `{login}` tag.
 */
@Injectable()
export class LoginBansService {
  constructor(
    private readonly redis: RedisService,
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
  ) {}

  /** Seconds left of a ban on the name or the address; 0 when neither is banned. */
  async bannedFor(username: string, ip: string): Promise<number> {
    const left = await BANNED_FOR.run(this.redis.client, [
      this.key('ban', 'user', username),
      this.key('ban', 'ip', ip),
    ]);
    return Math.ceil(Number(left) / 1000);
  }

  /** Returns whether this failure started a ban. */
  async recordFailure(username: string, ip: string): Promise<boolean> {
    const { windowSeconds, maxFailures, banSeconds } = this.config.loginBan;
    const started = await RECORD_FAILURE.run(
      this.redis.client,
      [
        this.key('failures', 'user', username),
        this.key('failures', 'ip', ip),
        this.key('ban', 'user', username),
        this.key('ban', 'ip', ip),
      ],
      [windowSeconds * 1000, maxFailures, banSeconds * 1000],
    );
    return started.some((s) => s === 1);
  }

  /** A correct password clears the name's count (the address keeps its own). */
  async recordSuccess(username: string): Promise<void> {
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
