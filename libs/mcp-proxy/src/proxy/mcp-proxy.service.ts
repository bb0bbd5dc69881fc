import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { SecurityEventService } from '@techsapo/audit';
import { DomainError } from '@techsapo/core';
import { assertReadOnlyOperation } from '@techsapo/security';
import { ArgumentGuard, type CheckedArguments } from '../arguments/argument-guard';
import { argumentShape } from '../arguments/argument-shape';
import type { ToolOperation } from '../config/mcp-file';
import { mcpConfig } from '../config/mcp.config';
import {
  McpApprovalMismatchError,
  McpOperationForbiddenError,
  McpUpstreamTimeoutError,
  McpUpstreamUnavailableError,
  type DenialReason,
} from '../errors/mcp.errors';
import { ToolPin, ToolPinsService } from '../pinning/tool-pins.service';
import { CatalogEntry, ToolCatalog } from '../policy/tool-catalog';
import { TOOL_SEPARATOR } from '../policy/tool-names';
import { ResultSanitizer, SanitizedResult } from '../results/result-sanitizer';
import { McpQuotas } from '../session/mcp-quotas';
import type { InvisibleKind } from '../text/invisible-text';
import { UpstreamConnection } from '../upstream/upstream-connection';
import { callOrigin, type CallContext, type CallOrigin } from './call-context';
import { McpDecisions, reasonOf, untilTimeout } from './mcp-decisions';
import { refusalEventOf } from './refusal-event';

export interface ServerSummary {
  name: string;
  transport: 'stdio' | 'streamable-http';
  status: string;
  toolCount: number;
  allowedToolCount: number;
  restarts: number;
  lastError?: string;
}

export interface ToolView {
  name: string;
  /** The name MCP clients call it by. */
  clientName: string;
  description: string;
  operation: ToolOperation | null;
  annotations: Record<string, unknown>;
  inputSchema: Record<string, unknown>;
  hash: string;
  /** Invisible or bidirectional characters found in (and stripped from) the definition. */
  hiddenText?: InvisibleKind[];
  deniedReason?: string;
  /** Admin review of a changed definition: the pinned one (when its pin kept it) and this one. */
  pinnedDefinition?: Record<string, unknown>;
  definition?: Record<string, unknown>;
}

/** The checks of a tool call, in order; the one that refused or failed names the outcome. */
type CallCheck = 'policy' | 'arguments' | 'quota' | 'upstream' | 'result';

/** An error of one check of a tool call. */
class FailedCheck {
  constructor(
    readonly check: CallCheck,
    readonly error: unknown,
  ) {}
}

/** Runs one check of a tool call; its error is labelled with the check. */
async function step<T>(check: CallCheck, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new FailedCheck(check, error);
  }
}

/** What the checks after the policy need: the connection, the verdict, who asks. */
interface CallTarget {
  connection: UpstreamConnection;
  entry: CatalogEntry;
  origin: CallOrigin;
}

export interface CallOutcome extends SanitizedResult {
  server: string;
  tool: string;
}

export interface ApprovalOutcome {
  server: string;
  tool: string;
  previous?: ToolPin;
  pin: ToolPin;
  /** Whether clients can call the tool now; when not, why (the policy still decides). */
  callable: boolean;
  reason?: DenialReason;
}

/**
 * The proxy's decisions, shared by the MCP endpoint and the REST twins so that both doors
 * behave the same: list (allowed tools only), call (policy → pin → arguments → quota →
 * upstream with a timeout → inert, redacted result), approve (tools, and the pins of prompts
 * and templates). Every decision is audited (type `mcp`, argument shape only) and timed
 * (McpDecisions). Prompts, resources, templates and completions: McpContentService.
 */
@Injectable()
export class McpProxyService {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly pins: ToolPinsService,
    private readonly args: ArgumentGuard,
    private readonly results: ResultSanitizer,
    private readonly quotas: McpQuotas,
    private readonly decisions: McpDecisions,
    private readonly events: SecurityEventService,
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
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
        restarts: c.restarts,
        ...(c.lastError ? { lastError: c.lastError } : {}),
      };
    });
  }

  /**
   * One server's tools: allowed ones, or all with the reason for the denied (admin). Answered
   * from the catalogue at once; the upstream is asked again in the background.
   */
  listTools(ctx: CallContext, server: string, all = false): ToolView[] {
    const started = process.hrtime.bigint();
    const entries = this.catalog.toolsOf(server);
    this.catalog.refreshInBackground(server);
    this.recordList(ctx, started, entries, server);
    return entries.filter((e) => all || e.allowed).map((e) => view(e, all));
  }

  /**
   * Every allowed tool of every upstream (the MCP endpoint's list), from the catalogue at
   * once, whatever one upstream does; each upstream is asked again in the background.
   */
  listAllTools(ctx: CallContext): CatalogEntry[] {
    const started = process.hrtime.bigint();
    const names = this.catalog.servers().map((c) => c.server.name);
    for (const name of names) this.catalog.refreshInBackground(name);
    const entries = names.flatMap((n) => this.catalog.toolsOf(n));
    this.recordList(ctx, started, entries);
    return entries.filter((e) => e.allowed);
  }

  /**
   * The server and upstream tool a client's tool name stands for: a known name, or a name of
   * a configured server that knows none of its tools yet (it is not connected: 503, never
   * `unknown-tool`). Undefined: no such tool.
   */
  resolve(clientName: string): { server: string; tool: string } | undefined {
    const entry = this.catalog.byName(clientName);
    if (entry) return { server: entry.server, tool: entry.tool.name };
    const server = this.catalog.serverOfName(clientName);
    if (server && this.catalog.connection(server).status !== 'connected')
      return { server, tool: clientName.slice(server.length + TOOL_SEPARATOR.length) };
    return undefined;
  }

  /**
   * One tool call, check by check: policy (the tool is allowed and read-only), arguments
   * (ArgumentGuard), quotas, the upstream (with the timeout), the result (ResultSanitizer).
   * The check that refused or failed is audited and timed under its name.
   */
  async callTool(
    ctx: CallContext,
    server: string,
    tool: string,
    input: Record<string, unknown> | undefined,
    onProgress?: (progress: Progress) => void,
  ): Promise<CallOutcome> {
    const started = process.hrtime.bigint();
    const args = input ?? {};
    try {
      const target = await step('policy', () => this.authorize(ctx, server, tool));
      const checked = await step('arguments', () => this.checkArguments(target, args));
      await step('quota', () => this.consumeQuotas(ctx, target, checked.namesFiles));
      const raw = await step('upstream', () => this.send(ctx, target, checked.args, onProgress));
      const result = await step('result', () =>
        this.results.sanitize(raw, this.config.resultMaxBytes, target.origin),
      );
      this.recordCall(ctx, started, server, tool, args, {
        decision: 'allowed',
        check: 'passed',
        result: result.isError ? 'error' : 'allowed',
        facts: {
          toolOperation: target.entry.operation,
          argumentFlags: checked.flags.slice(0, 20),
          resultFlags: result.flags.slice(0, 20),
          truncated: result.truncated,
          withheld: result.blocked,
        },
      });
      return { ...result, server, tool };
    } catch (failure) {
      const labelled =
        failure instanceof FailedCheck ? failure : new FailedCheck('result', failure);
      throw this.callFailed(ctx, started, server, tool, args, labelled);
    }
  }

  /** The policy: a known tool, allowed, read-only (a server not connected yet: 503). */
  private authorize(ctx: CallContext, server: string, tool: string): CallTarget {
    const connection = this.catalog.connection(server);
    const entry = this.catalog.entry(server, tool);
    if (!entry && connection.status !== 'connected') throw new McpUpstreamUnavailableError(server);
    if (!entry) throw new McpOperationForbiddenError(server, tool, 'unknown-tool');
    if (!entry.allowed || !entry.operation)
      throw new McpOperationForbiddenError(server, tool, entry.deniedReason ?? 'not-read-only');
    assertReadOnlyOperation(entry.operation === 'search' ? 'read' : entry.operation);
    return { connection, entry, origin: callOrigin(ctx, server, tool) };
  }

  private checkArguments(target: CallTarget, args: Record<string, unknown>): CheckedArguments {
    const { connection, entry } = target;
    return this.args.check(
      args,
      {
        schema: entry.tool.inputSchema,
        schemaKey: `${entry.server}\u0000${entry.hash}`,
        roots: connection.server.roots,
        secrets: this.config.argumentSecrets,
      },
      target.origin,
    );
  }

  /** MCP5: a call that reaches the network or names files counts against its quota. */
  private async consumeQuotas(
    ctx: CallContext,
    target: CallTarget,
    namesFiles: boolean,
  ): Promise<void> {
    const config = target.connection.server;
    if (config.network || target.entry.tool.annotations?.openWorldHint === true)
      await this.quotas.consume(ctx.principal.id, 'network-calls');
    if (config.roots.length > 0 || namesFiles)
      await this.quotas.consume(ctx.principal.id, 'file-reads');
  }

  /** The call upstream, within the timeout; the time waited is added to the context. */
  private async send(
    ctx: CallContext,
    target: CallTarget,
    args: Record<string, unknown>,
    onProgress?: (progress: Progress) => void,
  ): Promise<CallToolResult> {
    const { connection, entry } = target;
    if (connection.status !== 'connected') throw new McpUpstreamUnavailableError(entry.server);
    const upstreamStarted = process.hrtime.bigint();
    try {
      return await untilTimeout(entry.server, this.config.callTimeoutMs, () =>
        connection.callTool(entry.tool.name, args, this.config.callTimeoutMs, onProgress),
      );
    } finally {
      ctx.upstreamMs =
        (ctx.upstreamMs ?? 0) + Number(process.hrtime.bigint() - upstreamStarted) / 1e6;
    }
  }

  /** Audits and times a refused or failed call; the error for the caller (503 when unexpected). */
  private callFailed(
    ctx: CallContext,
    started: bigint,
    server: string,
    tool: string,
    args: Record<string, unknown>,
    failure: FailedCheck,
  ): DomainError {
    const { check, error } = failure;
    const denied = error instanceof DomainError && error.status < 500;
    if (denied) this.reportRefusal(ctx, server, tool, args, error as DomainError);
    this.recordCall(ctx, started, server, tool, args, {
      decision: denied ? 'denied' : 'allowed',
      check,
      result: error instanceof McpUpstreamTimeoutError ? 'timeout' : denied ? 'denied' : 'error',
      reason: error instanceof DomainError ? reasonOf(error) : 'upstream-error',
      facts: { toolOperation: this.catalog.entry(server, tool)?.operation },
    });
    return error instanceof DomainError ? error : new McpUpstreamUnavailableError(server);
  }

  /**
   * Approves the one definition of a tool an admin reviewed: `expectedHash` must be the hash
   * of the definition the upstream serves now (read again first), or 409. The answer says
   * whether the tool is callable now, and if not why (the policy still decides: approving a
   * write tool or a poisoned one pins it, and it stays withheld).
   */
  async approve(
    ctx: CallContext,
    server: string,
    tool: string,
    expectedHash: string,
  ): Promise<ApprovalOutcome> {
    const started = process.hrtime.bigint();
    await this.catalog.refresh(server);
    // A prompt is approved as `prompt:<name>`, a resource template as `template:<name>`.
    const entry = this.catalog.pinned(server, tool);
    if (!entry) throw new McpOperationForbiddenError(server, tool, 'unknown-tool');
    if (entry.hash !== expectedHash) {
      this.decisions.record(ctx, 'tools/approve', 'denied', 409, 'mcp-approval-mismatch', {
        server,
        tool,
        expectedHash,
        hash: entry.hash,
      });
      this.decisions.observe('approve_tool', 'hash', 'denied', started);
      throw new McpApprovalMismatchError(server, tool, expectedHash, entry.hash);
    }
    const previous = await this.pins.get(server, tool);
    const pin = await this.pins.approve(
      server,
      tool,
      entry.hash,
      ctx.principal.username,
      entry.reviewed,
    );
    await this.catalog.rebuild(server);
    const now = this.catalog.pinned(server, tool);
    const callable = now?.allowed === true && now.hash === pin.hash;
    const reason = callable ? undefined : (now?.deniedReason ?? 'definition-changed');
    this.decisions.record(ctx, 'tools/approve', 'allowed', 200, undefined, {
      server,
      tool,
      previousHash: previous?.hash,
      hash: pin.hash,
      callable,
      reason,
    });
    this.decisions.observe('approve_tool', 'passed', 'allowed', started);
    return { server, tool, previous, pin, callable, ...(reason ? { reason } : {}) };
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
    this.decisions.record(ctx, 'tools/list', 'allowed', 200, undefined, {
      server,
      allowed: entries
        .filter((e) => e.allowed)
        .map((e) => e.clientName)
        .slice(0, 200),
      denied: denied.slice(0, 200).map((e) => ({
        tool: e.clientName,
        reason: e.deniedReason,
      })),
    });
    this.decisions.observe('list_tools', 'policy', 'allowed', started);
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
    this.decisions.record(
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
    this.decisions.observe('call_tool', outcome.check, outcome.result, started);
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
    const refusal = refusalEventOf(error);
    if (!refusal) return;
    const origin = callOrigin(ctx, server, tool);
    this.events.report({
      ...origin,
      eventType: 'MCP_CALL_REFUSED',
      ...refusal,
      blocked: true,
      source: 'mcp-argument',
      payload: JSON.stringify(argumentShape(args)),
      details: { ...origin.details, reason: reasonOf(error) },
    });
  }
}

function view(e: CatalogEntry, withReason: boolean): ToolView {
  return {
    name: e.tool.name,
    clientName: e.clientName,
    description: e.exposed.description ?? '',
    operation: e.operation ?? null,
    annotations: { ...(e.exposed.annotations ?? {}) },
    inputSchema: { ...e.exposed.inputSchema },
    hash: e.hash,
    ...(e.hiddenText.length > 0 ? { hiddenText: e.hiddenText } : {}),
    ...(withReason && !e.allowed ? { deniedReason: e.deniedReason } : {}),
    ...(withReason && e.pinnedDefinition
      ? { pinnedDefinition: e.pinnedDefinition, definition: e.reviewed }
      : {}),
  };
}
