import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RedisService } from '@techsapo/core';
import { mcpConfig } from '../config/mcp.config';

/**
 * MCP sessions of each principal in Redis, so that every instance sees the same count:
 * one sorted set per principal (`…:mcp:u:{<id>}:sessions`, score = last activity). At most
 * MCP_SESSION_MAX_PER_USER (20: agents open several) are open at once; opening one more ends
 * the least recently used, which then answers 404 so that its client initialises again. Idle
 * ones (MCP_SESSION_IDLE_SECONDS, 15 min) drop out.
 */
@Injectable()
export class McpSessionRegistry {
  constructor(
    private readonly redis: RedisService,
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
  ) {}

  /** Registers a new session; returns the ids of the sessions it pushed out. */
  async open(principalId: string, sessionId: string): Promise<string[]> {
    const key = this.key(principalId);
    const now = Date.now();
    const idleMs = this.config.sessionIdleSeconds * 1000;
    // One key: the pipeline stays in one slot.
    const results = await this.redis.client
      .multi()
      .zremrangebyscore(key, '-inf', now - idleMs)
      .zadd(key, now, sessionId)
      .zrange(key, 0, -1)
      .pexpire(key, idleMs)
      .exec();
    const ids = (results?.[2]?.[1] as string[] | undefined) ?? [];
    const excess = ids.length - this.config.sessionMaxPerUser;
    if (excess <= 0) return [];
    const gone = ids.filter((id) => id !== sessionId).slice(0, excess);
    if (gone.length > 0) await this.redis.client.zrem(key, ...gone);
    return gone;
  }

  /** Records activity; false when the session has ended (idle, pushed out, or on another instance's say). */
  async touch(principalId: string, sessionId: string): Promise<boolean> {
    const key = this.key(principalId);
    const now = Date.now();
    const results = await this.redis.client
      .multi()
      .zremrangebyscore(key, '-inf', now - this.config.sessionIdleSeconds * 1000)
      .zadd(key, 'XX', 'CH', now, sessionId)
      .zscore(key, sessionId)
      .pexpire(key, this.config.sessionIdleSeconds * 1000)
      .exec();
    return results?.[2]?.[1] !== null && results?.[2]?.[1] !== undefined;
  }

  async close(principalId: string, sessionId: string): Promise<void> {
    await this.redis.client.zrem(this.key(principalId), sessionId);
  }

  async count(principalId: string): Promise<number> {
    return this.redis.client.zcount(
      this.key(principalId),
      Date.now() - this.config.sessionIdleSeconds * 1000,
      '+inf',
    );
  }

  private key(principalId: string): string {
    return this.redis.key('mcp', 'u', this.redis.hashTag(principalId), 'sessions');
  }
}
