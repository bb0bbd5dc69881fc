import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { AuditWriter, SecurityEventService } from '@techsapo/audit';
import { DomainError, maskIp, maskUserAgent } from '@techsapo/core';
import { assertReadOnlyOperation } from '@techsapo/security';
import { randomUUID } from 'node:crypto';
import type { Histogram } from 'prom-client';
import { ArgumentGuard } from '../arguments/argument-guard';
import { argumentShape } from '../arguments/argument-shape';
import { PATH_NAMES, normalizeName } from '../arguments/argument-limits';
import type { ToolOperation } from '../config/mcp-file';
import { mcpConfig } from '../config/mcp.config';
import {
  McpArgumentsRejectedError,
  McpOperationForbiddenError,
  McpQuotaExceededError,
  McpUpstreamTimeoutError,
  McpUpstreamUnavailableError,
} from '../errors/mcp.errors';
import { MCP_OPERATION_DURATION } from '../mcp.metrics';
import { ToolPin, ToolPinsService } from '../pinning/tool-pins.service';
import { CatalogEntry, ToolCatalog } from '../policy/tool-catalog';
import { ResultSanitizer, SanitizedResult } from '../results/result-sanitizer';
import { McpQuotas } from '../session/mcp-quotas';
import { UpstreamTimeoutError } from '../upstream/upstream-connection';
import { callOrigin, type CallContext } from './call-context';

export interface ServerSummary {
  name: string;
  transport: 'stdio' | 'streamable-http';
  status: string;
  toolCount: number;
  allowedToolCount: number;
}

export interface ToolView {
  name: string;
  description: string;
  operation: ToolOperation | null;
  annotations: Record<string, unknown>;
  inputSchema: Record<string, unknown>;
  hash: string;
  deniedReason?: string;
}

export interface CallOutcome extends SanitizedResult {
  server: string;
  tool: string;
}

/** Separator of `<server>__<tool>` in the names MCP clients see. */
export const TOOL_SEPARATOR = '__';

/**
 * The proxy's decisions, shared by the MCP endpoint and the REST twins so that both doors
 * behave the same: list (allowed tools only), call (policy → pin → arguments → quota →
 * upstream with a timeout → inert, redacted result), approve. Every decision is audited
 * (type `mcp`, argument shape only) and timed.
 */
@Injectable()
export class McpProxyService {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly pins: ToolPinsService,
    private readonly args: ArgumentGuard,
    private readonly results: ResultSanitizer,
    private readonly quotas: McpQuotas,
    private readonly audit: AuditWriter,
    private readonly events: SecurityEventService,
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
    @InjectMetric(MCP_OPERATION_DURATION) private readonly duration: Histogram<string>,
  ) {}

  listServers(): ServerSummary[] {
    return this.catalog.servers().map((c) => {
      const tools = this.catalog.toolsOf(c.server.name);
      return {
        name: c.server.name,
        transport: c.transport,
        status: c.status,
        toolCount: tools.length,
        allowedToolCount: tools.filter((t) => t.allowed).length,
      };
    });
  }

  /** One server's tools: allowed ones, or all with the reason for the denied (admin). */
  async listTools(ctx: CallContext, server: string, all = false): Promise<ToolView[]> {
    const started = process.hrtime.bigint();
    await this.catalog.refresh(server);
    const entries = this.catalog.toolsOf(server);
    this.recordList(ctx, started, entries, server);
    return entries.filter((e) => all || e.allowed).map((e) => view(e, all));
  }

  /** Every allowed tool of every upstream, named `<server>__<tool>` (the MCP endpoint's list). */
  async listAllTools(ctx: CallContext): Promise<CatalogEntry[]> {
    const started = process.hrtime.bigint();
    const names = this.catalog.servers().map((c) => c.server.name);
    await Promise.all(names.map((n) => this.catalog.refresh(n)));
    const entries = names.flatMap((n) => this.catalog.toolsOf(n));
    this.recordList(ctx, started, entries);
    return entries.filter((e) => e.allowed);
  }

  async callTool(
    ctx: CallContext,
    server: string,
    tool: string,
    input: Record<string, unknown> | undefined,
  ): Promise<CallOutcome> {
    const started = process.hrtime.bigint();
    const args = input ?? {};
    let check = 'policy';
    let entry: CatalogEntry | undefined;
    try {
      const connection = this.catalog.connection(server);
      entry = this.catalog.entry(server, tool);
      if (!entry) throw new McpOperationForbiddenError(server, tool, 'unknown-tool');
      if (!entry.allowed || !entry.operation)
        throw new McpOperationForbiddenError(server, tool, entry.deniedReason ?? 'not-read-only');
      assertReadOnlyOperation(entry.operation === 'search' ? 'read' : entry.operation);
      check = 'arguments';
      const config = connection.server;
      const origin = callOrigin(ctx, server, tool);
      const flags = this.args.check(
        args,
        entry.tool.inputSchema,
        `${server}\u0000${entry.hash}`,
        config.roots,
        origin,
      );
      check = 'quota';
      if (config.network || entry.tool.annotations?.openWorldHint === true)
        await this.quotas.consume(ctx.quotaScope, 'network-calls', ctx.localQuota);
      if (
        config.roots.length > 0 ||
        Object.keys(args).some((k) => PATH_NAMES.has(normalizeName(k)))
      )
        await this.quotas.consume(ctx.quotaScope, 'file-reads', ctx.localQuota);
      check = 'upstream';
      if (connection.status !== 'connected') throw new McpUpstreamUnavailableError(server);
      const upstreamStarted = process.hrtime.bigint();
      let raw;
      try {
        raw = await connection.callTool(tool, args, this.config.callTimeoutMs);
      } catch (error) {
        if (error instanceof UpstreamTimeoutError)
          throw new McpUpstreamTimeoutError(server, this.config.callTimeoutMs);
        throw error;
      } finally {
        ctx.upstreamMs =
          (ctx.upstreamMs ?? 0) + Number(process.hrtime.bigint() - upstreamStarted) / 1e6;
      }
      check = 'result';
      const result = this.results.sanitize(raw, this.config.resultMaxBytes, origin);
      this.recordCall(ctx, started, server, tool, args, {
        decision: 'allowed',
        check: 'passed',
        result: result.isError ? 'error' : 'allowed',
        facts: {
          toolOperation: entry.operation,
          argumentFlags: flags.slice(0, 20),
          resultFlags: result.flags.slice(0, 20),
          truncated: result.truncated,
          withheld: result.blocked,
        },
      });
      return { ...result, server, tool };
    } catch (error) {
      const denied = error instanceof DomainError && error.status < 500;
      if (denied) this.reportRefusal(ctx, server, tool, args, error as DomainError);
      this.recordCall(ctx, started, server, tool, args, {
        decision: denied ? 'denied' : 'allowed',
        check,
        result: error instanceof McpUpstreamTimeoutError ? 'timeout' : denied ? 'denied' : 'error',
        reason: error instanceof DomainError ? reasonOf(error) : 'upstream-error',
        facts: { toolOperation: entry?.operation },
      });
      if (!(error instanceof DomainError)) throw new McpUpstreamUnavailableError(server);
      throw error;
    }
  }

  /** Re-approves a tool's current definition (after it changed since it was pinned). */
  async approve(
    ctx: CallContext,
    server: string,
    tool: string,
  ): Promise<{ server: string; tool: string; previous?: ToolPin; pin: ToolPin }> {
    const started = process.hrtime.bigint();
    await this.catalog.refresh(server);
    const entry = this.catalog.entry(server, tool);
    if (!entry) throw new McpOperationForbiddenError(server, tool, 'unknown-tool');
    const previous = await this.pins.get(server, tool);
    const pin = await this.pins.approve(server, tool, entry.hash, ctx.principal.username);
    await this.catalog.rebuild(server);
    this.write(ctx, 'tools/approve', 'allowed', 200, undefined, {
      server,
      tool,
      previousHash: previous?.hash,
      hash: pin.hash,
      allowedNow: this.catalog.entry(server, tool)?.allowed ?? false,
    });
    this.observe('approve_tool', 'passed', 'allowed', started);
    return { server, tool, previous, pin };
  }

  /** A call of a tool TechSapo serves itself (LocalTools), audited and timed like the others. */
  recordLocalCall(
    ctx: CallContext,
    started: bigint,
    name: string,
    args: Record<string, unknown>,
    outcome: { check: string; result: 'allowed' | 'error' | 'denied'; reason?: string },
  ): void {
    const at = name.indexOf(TOOL_SEPARATOR);
    this.recordCall(ctx, started, name.slice(0, at), name.slice(at + TOOL_SEPARATOR.length), args, {
      decision: outcome.result === 'denied' ? 'denied' : 'allowed',
      check: outcome.check,
      result: outcome.result,
      reason: outcome.reason,
      facts: { local: true },
    });
  }

  private recordList(
    ctx: CallContext,
    started: bigint,
    entries: CatalogEntry[],
    server?: string,
  ): void {
    const denied = entries.filter((e) => !e.allowed);
    this.write(ctx, 'tools/list', 'allowed', 200, undefined, {
      server,
      allowed: entries
        .filter((e) => e.allowed)
        .map((e) => `${e.server}${TOOL_SEPARATOR}${e.tool.name}`)
        .slice(0, 200),
      denied: denied.slice(0, 200).map((e) => ({
        tool: `${e.server}${TOOL_SEPARATOR}${e.tool.name}`,
        reason: e.deniedReason,
      })),
    });
    this.observe('list_tools', 'policy', 'allowed', started);
  }

  private recordCall(
    ctx: CallContext,
    started: bigint,
    server: string,
    tool: string,
    args: Record<string, unknown>,
    outcome: {
      decision: 'allowed' | 'denied';
      check: string;
      result: string;
      reason?: string;
      facts: Record<string, unknown>;
    },
  ): void {
    this.write(
      ctx,
      'tools/call',
      outcome.decision,
      outcome.decision === 'denied' ? 403 : 200,
      outcome.reason,
      {
        server,
        tool,
        check: outcome.check,
        result: outcome.result,
        arguments: argumentShape(args),
        ...outcome.facts,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        upstreamMs: ctx.upstreamMs,
      },
    );
    this.observe('call_tool', outcome.check, outcome.result, started);
  }

  private observe(operation: string, check: string, result: string, started: bigint): void {
    this.duration.observe(
      { operation, security_check: check, result },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  }

  private write(
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

  /**
   * Attempts at forbidden tools and arguments refused by their name or path are security
   * events (AL2). Arguments refused for their content are not reported here: the argument
   * guard reported their attempts already, one event per argument and category.
   */
  private reportRefusal(
    ctx: CallContext,
    server: string,
    tool: string,
    args: Record<string, unknown>,
    error: DomainError,
  ): void {
    if (error instanceof McpQuotaExceededError) return;
    const check = error instanceof McpArgumentsRejectedError ? error.check : undefined;
    const violationType =
      error instanceof McpOperationForbiddenError
        ? 'FORBIDDEN_OPERATION'
        : check === 'path'
          ? 'PATH_TRAVERSAL'
          : check === 'command'
            ? 'COMMAND_INJECTION'
            : undefined;
    if (!violationType) return;
    const origin = callOrigin(ctx, server, tool);
    this.events.report({
      ...origin,
      eventType: 'MCP_CALL_REFUSED',
      severity: violationType === 'FORBIDDEN_OPERATION' ? 'MEDIUM' : 'HIGH',
      violationType,
      blocked: true,
      source: 'mcp-argument',
      payload: JSON.stringify(argumentShape(args)),
      details: { ...origin.details, reason: reasonOf(error) },
    });
  }
}

function reasonOf(error: DomainError): string {
  if (error instanceof McpOperationForbiddenError) return `${error.code}:${error.reason}`;
  if (error instanceof McpArgumentsRejectedError) return `${error.code}:${error.check}`;
  return error.code;
}

function view(e: CatalogEntry, withReason: boolean): ToolView {
  return {
    name: e.tool.name,
    description: e.tool.description ?? '',
    operation: e.operation ?? null,
    annotations: { ...(e.tool.annotations ?? {}) },
    inputSchema: { ...e.tool.inputSchema },
    hash: e.hash,
    ...(withReason && !e.allowed ? { deniedReason: e.deniedReason } : {}),
  };
}
