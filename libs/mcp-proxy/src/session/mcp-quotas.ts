import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RedisService } from '@techsapo/core';
import { mcpConfig, type McpConfig } from '../config/mcp.config';
import { McpQuotaExceededError } from '../errors/mcp.errors';

export type QuotaKind = 'file-reads' | 'network-calls' | 'analyses';

const LIMITS: Record<QuotaKind, keyof McpConfig['quotas']> = {
  'file-reads': 'fileReads',
  'network-calls': 'networkCalls',
  analyses: 'analyses',
};

/** Counters of one MCP session, kept with the session in the process that serves it. */
export type LocalQuota = Map<QuotaKind, number>;

/**
 * MCP5 per session: file reads (50), network-reaching calls (25) and analyses (10). An MCP session lives in
 * one process, so its counters live there too (no round trip per call). On REST the scope is
 * the caller's login session or API key, which any instance may serve: those counters live in
 * Redis (one hash per scope) and expire with the idle timeout.
 */
@Injectable()
export class McpQuotas {
  constructor(
    private readonly redis: RedisService,
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
  ) {}

  async consume(scope: string, kind: QuotaKind, local?: LocalQuota): Promise<number> {
    const limit = this.config.quotas[LIMITS[kind]];
    if (local) {
      const used = (local.get(kind) ?? 0) + 1;
      local.set(kind, used);
      if (used > limit) throw new McpQuotaExceededError(kind, limit);
      return used;
    }
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
