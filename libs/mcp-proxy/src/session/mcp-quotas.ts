import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { mcpConfig, type McpConfig } from '../config/mcp.config';
import { McpQuotaExceededError } from '../errors/mcp.errors';
import { McpQuotasStore } from './mcp-quotas.store';

export type QuotaKind = 'file-reads' | 'network-calls' | 'analyses';

const LIMITS: Record<QuotaKind, keyof Omit<McpConfig['quotas'], 'windowSeconds'>> = {
  'file-reads': 'fileReads',
  'network-calls': 'networkCalls',
  analyses: 'analyses',
};

/**
 * MCP5 per principal over a fixed window (MCP_QUOTA_WINDOW_SECONDS, an hour): file reads (50),
 * network-reaching calls (25) and analyses started by `techsapo__analyze` (10), whatever the session, door (/mcp or REST) or instance, so
 * that opening a new session does not reset them. Windows are fixed, numbered from the epoch;
 * the counts are shared by every instance (McpQuotasStore).
 */
@Injectable()
export class McpQuotas {
  constructor(
    private readonly store: McpQuotasStore,
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
  ) {}

  async consume(principalId: string, kind: QuotaKind): Promise<number> {
    const limit = this.config.quotas[LIMITS[kind]];
    const windowMs = this.config.quotas.windowSeconds * 1000;
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const used = await this.store.increment(principalId, kind, window, windowMs);
    if (used > limit)
      throw new McpQuotaExceededError(
        kind,
        limit,
        this.config.quotas.windowSeconds,
        Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)),
      );
    return used;
  }
}
