import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { AuditWriter } from '@techsapo/audit';
import { DomainError, maskIp, maskUserAgent } from '@techsapo/core';
import { randomUUID } from 'node:crypto';
import type { Histogram } from 'prom-client';
import {
  McpArgumentsRejectedError,
  McpOperationForbiddenError,
  McpUpstreamTimeoutError,
} from '../errors/mcp.errors';
import { MCP_OPERATION_DURATION } from '../mcp.metrics';
import { UpstreamTimeoutError } from '../upstream/upstream-connection';
import type { CallContext } from './call-context';

/**
 * Where the proxy's decisions go: one audit entry of type `mcp` per decision (who, through
 * which door, the outcome and its details) and the operation's duration, labelled with the
 * check that decided.
 */
@Injectable()
export class McpDecisions {
  constructor(
    private readonly audit: AuditWriter,
    @InjectMetric(MCP_OPERATION_DURATION) private readonly duration: Histogram<string>,
  ) {}

  record(
    ctx: CallContext,
    operation: string,
    decision: 'allowed' | 'denied',
    status: number,
    reason: string | undefined,
    details: Record<string, unknown>,
  ): void {
    const p = ctx.principal;
    this.audit.record({
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      type: 'mcp',
      actor: {
        id: p.id,
        username: p.username,
        roles: [...p.roles],
        sessionId: p.sessionId,
        apiKeyId: p.apiKeyId,
      },
      request: {
        id: ctx.requestId,
        method: ctx.method,
        path: ctx.path,
        ip: maskIp(ctx.ip),
        userAgent: maskUserAgent(ctx.userAgent),
      },
      outcome: { status, decision, reason },
      details: { operation, via: ctx.via, mcpSessionId: ctx.mcpSessionId, ...details },
    });
  }

  observe(operation: string, check: string, result: string, started: bigint): void {
    this.duration.observe(
      { operation, security_check: check, result },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  }
}

/** The stable code of a refusal for audits: the error's type, with the reason or check. */
export function reasonOf(error: DomainError): string {
  if (error instanceof McpOperationForbiddenError) return `${error.code}:${error.reason}`;
  if (error instanceof McpArgumentsRejectedError) return `${error.code}:${error.check}`;
  return error.code;
}

/** A request upstream whose timeout becomes the proxy's 504. */
export async function untilTimeout<T>(
  server: string,
  timeoutMs: number,
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof UpstreamTimeoutError) throw new McpUpstreamTimeoutError(server, timeoutMs);
    throw error;
  }
}
