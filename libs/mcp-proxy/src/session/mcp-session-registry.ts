import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { mcpConfig } from '../config/mcp.config';
import { McpSessionsStore } from './mcp-sessions.store';

/**
 * MCP sessions of each principal, shared by every instance (McpSessionsStore). At most
 * MCP_SESSION_MAX_PER_USER (20: agents open several) are open at once; opening one more ends
 * the least recently used, which then answers 404 so that its client initialises again. Idle
 * ones (MCP_SESSION_IDLE_SECONDS, 15 min) drop out.
 */
@Injectable()
export class McpSessionRegistry {
  constructor(
    private readonly store: McpSessionsStore,
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
  ) {}

  /** Registers a new session; returns the ids of the sessions it pushed out. */
  async open(principalId: string, sessionId: string): Promise<string[]> {
    const ids = await this.store.add(principalId, sessionId, Date.now(), this.idleMs);
    const excess = ids.length - this.config.sessionMaxPerUser;
    if (excess <= 0) return [];
    const gone = ids.filter((id) => id !== sessionId).slice(0, excess);
    await this.store.remove(principalId, gone);
    return gone;
  }

  /** Records activity; false when the session has ended (idle, pushed out, or on another instance's say). */
  touch(principalId: string, sessionId: string): Promise<boolean> {
    return this.store.touch(principalId, sessionId, Date.now(), this.idleMs);
  }

  /** Whether the session is still open (not idle, pushed out or ended), without touching it. */
  isLive(principalId: string, sessionId: string): Promise<boolean> {
    return this.store.isLive(principalId, sessionId, Date.now(), this.idleMs);
  }

  close(principalId: string, sessionId: string): Promise<void> {
    return this.store.remove(principalId, [sessionId]);
  }

  count(principalId: string): Promise<number> {
    return this.store.count(principalId, Date.now() - this.idleMs);
  }

  private get idleMs(): number {
    return this.config.sessionIdleSeconds * 1000;
  }
}
