import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';

/**
 * MCP quota counters in Redis: one hash per principal and window
 * (`…:mcp:quota:{<principal>}:<window>`, a field per kind), expiring with its window.
 */
@Injectable()
export class McpQuotasStore {
  constructor(private readonly redis: RedisService) {}

  /** Counts one use of `kind` in the window; the uses so far, this one included. */
  async increment(
    principalId: string,
    kind: string,
    window: number,
    windowMs: number,
  ): Promise<number> {
    const key = this.redis.key('mcp', 'quota', this.redis.hashTag(principalId), window);
    const results = await this.redis.client
      .multi()
      .hincrby(key, kind, 1)
      .pexpire(key, windowMs)
      .exec();
    return Number(results?.[0]?.[1] ?? 0);
  }
}
