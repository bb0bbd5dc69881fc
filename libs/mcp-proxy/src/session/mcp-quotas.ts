import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RedisService } from '@techsapo/core';
import { mcpConfig } from '../config/mcp.config';
import { McpQuotaExceededError } from '../errors/mcp.errors';

export type QuotaKind = 'file-reads' | 'network-calls';

/**
 * MCP5 per session: file reads (50) and network-reaching calls (25). The scope is the MCP
 * session, or on REST the caller's login session or API key. Counters live in Redis (one
 * hash per scope), so the limit holds across instances; they expire with the idle timeout.
 */
@Injectable()
export class McpQuotas {
  constructor(
    private readonly redis: RedisService,
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
  ) {}

  async consume(scope: string, kind: QuotaKind): Promise<number> {
    const limit =
      kind === 'file-reads' ? this.config.quotas.fileReads : this.config.quotas.networkCalls;
    const key = this.redis.key('mcp', 'quota', this.redis.hashTag(scope));
    const results = await this.redis.client
      .multi()
      .hincrby(key, kind, 1)
      .pexpire(key, this.config.sessionIdleSeconds * 1000)
      .exec();
    const used = Number(results?.[0]?.[1] ?? 0);
    if (used > limit) throw new McpQuotaExceededError(kind, limit);
    return used;
  }
}
