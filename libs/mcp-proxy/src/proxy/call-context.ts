import type { Principal } from '@techsapo/core';
import type { AttemptOrigin } from '@techsapo/security';

/** Who asks, through which door, for the audit entry (quotas count per principal). */
export interface CallContext {
  principal: Principal;
  requestId: string;
  ip?: string;
  userAgent?: string;
  /** `POST /mcp` or the REST route. */
  method: string;
  path: string;
  mcpSessionId?: string;
  via: 'mcp' | 'rest';
  /** Time spent waiting on the upstream (the proxy's overhead is the rest). */
  upstreamMs?: number;
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
