import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';

/**
 * Open MCP sessions in Redis, one sorted set per principal (`…:mcp:u:{<id>}:sessions`, score
 * = last activity, ms), so that every instance sees the same sessions. Each write first drops
 * the sessions idle since `idleSince` and keeps the set alive for `idleMs` more.
 */
@Injectable()
export class McpSessionsStore {
  constructor(private readonly redis: RedisService) {}

  /** Adds the session as active at `now`; the principal's live sessions, least recent first. */
  async add(
    principalId: string,
    sessionId: string,
    now: number,
    idleMs: number,
  ): Promise<string[]> {
    const key = this.key(principalId);
    // One key: the transaction stays in one slot.
    const results = await this.redis.client
      .multi()
      .zremrangebyscore(key, '-inf', now - idleMs)
      .zadd(key, now, sessionId)
      .zrange(key, 0, -1)
      .pexpire(key, idleMs)
      .exec();
    return (results?.[2]?.[1] as string[] | undefined) ?? [];
  }

  /** Marks a live session active at `now`; false when it is not there (ended or idle). */
  async touch(
    principalId: string,
    sessionId: string,
    now: number,
    idleMs: number,
  ): Promise<boolean> {
    const key = this.key(principalId);
    const results = await this.redis.client
      .multi()
      .zremrangebyscore(key, '-inf', now - idleMs)
      .zadd(key, 'XX', 'CH', now, sessionId)
      .zscore(key, sessionId)
      .pexpire(key, idleMs)
      .exec();
    return results?.[2]?.[1] !== null && results?.[2]?.[1] !== undefined;
  }

  /** Whether `touch` at `now` would find the session live; a read only, nothing dropped. */
  async isLive(
    principalId: string,
    sessionId: string,
    now: number,
    idleMs: number,
  ): Promise<boolean> {
    const score = await this.redis.client.zscore(this.key(principalId), sessionId);
    return score !== null && Number(score) > now - idleMs;
  }

  async remove(principalId: string, sessionIds: string[]): Promise<void> {
    if (sessionIds.length > 0) await this.redis.client.zrem(this.key(principalId), ...sessionIds);
  }

  /** Sessions of the principal active at or after `since` (ms). */
  count(principalId: string, since: number): Promise<number> {
    return this.redis.client.zcount(this.key(principalId), since, '+inf');
  }

  private key(principalId: string): string {
    return this.redis.key('mcp', 'u', this.redis.hashTag(principalId), 'sessions');
  }
}
