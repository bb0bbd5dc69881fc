import { Injectable } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { DomainError } from '@techsapo/core';
import type { CallContext } from '../proxy/call-context';
import { McpProxyService } from '../proxy/mcp-proxy.service';
import { McpQuotas, type QuotaKind } from '../session/mcp-quotas';

/** One progress notification: `progress` grows with each; `total` when known. */
export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

export interface LocalToolCall {
  ctx: CallContext;
  arguments: Record<string, unknown>;
  /** Sent to the client only when it asked for progress (a progress token); never throws. */
  progress(update: ProgressUpdate): void;
  /** Aborted when the client cancels the request or the session ends. */
  signal: AbortSignal;
}

/**
 * A tool TechSapo serves itself on /mcp beside the proxied upstream tools (e.g.
 * `techsapo__analyze`): listed first, called without an upstream, counted against its own
 * quota (per principal and window) and audited like every call. A refusal is a DomainError.
 */
export interface LocalTool {
  /** As MCP clients see it; the name carries the `techsapo__` prefix. */
  readonly definition: Tool;
  /** The quota one call consumes. */
  readonly quota: QuotaKind;
  call(call: LocalToolCall): Promise<CallToolResult>;
}

/** The local tools, registered by the modules that provide them (the application's). */
@Injectable()
export class LocalTools {
  private readonly tools = new Map<string, LocalTool>();

  constructor(
    private readonly quotas: McpQuotas,
    private readonly proxy: McpProxyService,
  ) {}

  register(tool: LocalTool): void {
    this.tools.set(tool.definition.name, tool);
  }

  list(): Tool[] {
    return [...this.tools.values()].map((t) => t.definition);
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  async call(name: string, call: LocalToolCall): Promise<CallToolResult> {
    const tool = this.tools.get(name) as LocalTool;
    const started = process.hrtime.bigint();
    let check = 'quota';
    try {
      await this.quotas.consume(call.ctx.principal.id, tool.quota);
      check = 'local';
      const result = await tool.call(call);
      this.proxy.recordLocalCall(call.ctx, started, name, call.arguments, {
        check: 'passed',
        result: result.isError ? 'error' : 'allowed',
      });
      return result;
    } catch (error) {
      const denied = error instanceof DomainError && error.status < 500;
      this.proxy.recordLocalCall(call.ctx, started, name, call.arguments, {
        check,
        result: denied ? 'denied' : 'error',
        reason: error instanceof DomainError ? error.code : 'local-tool-error',
      });
      throw error;
    }
  }
}
