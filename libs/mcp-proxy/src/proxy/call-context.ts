import type { Principal } from '@techsapo/core';
import type { AttemptOrigin } from '@techsapo/security';
import type { LocalQuota } from '../session/mcp-quotas';

/** Who asks, through which door, for the audit entry and the quota scope. */
export interface CallContext {
  principal: Principal;
  requestId: string;
  ip?: string;
  userAgent?: string;
  /** `POST /mcp` or the REST route. */
  method: string;
  path: string;
  /** Quotas count per MCP session; on REST per login session or API key. */
  quotaScope: string;
  mcpSessionId?: string;
  /** The MCP session's own counters (REST calls count in Redis instead). */
  localQuota?: LocalQuota;
  via: 'mcp' | 'rest';
  /** Time spent waiting on the upstream (the proxy's overhead is the rest). */
  upstreamMs?: number;
}

export function restQuotaScope(principal: Principal): string {
  return principal.sessionId
    ? `s:${principal.sessionId}`
    : principal.apiKeyId
      ? `k:${principal.apiKeyId}`
      : `p:${principal.id}`;
}

/** What the security events of one tool call name, whatever the channel and text. */
export type CallOrigin = Omit<AttemptOrigin, 'channel' | 'eventType' | 'payload'>;

export function callOrigin(ctx: CallContext, server: string, tool: string): CallOrigin {
  return {
    requestId: ctx.requestId,
    principalId: ctx.principal.id,
    sessionId: ctx.principal.sessionId,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    details: { method: ctx.method, route: ctx.path, server, tool },
  };
}
