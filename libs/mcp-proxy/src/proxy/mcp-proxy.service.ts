import { Inject, Injectable } from '@nestjs/common';
import type { CallToolResult, Progress, PromptMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { AuditWriter, SecurityEventService } from '@techsapo/audit';
import { DomainError, maskIp, maskUserAgent } from '@techsapo/core';
import { assertReadOnlyOperation } from '@techsapo/security';
import { randomUUID } from 'node:crypto';
import type { Histogram } from 'prom-client';
import { ArgumentGuard } from '../arguments/argument-guard';
import { argumentShape } from '../arguments/argument-shape';
import type { ToolOperation } from '../config/mcp-file';
import { mcpConfig } from '../config/mcp.config';
import {
  McpApprovalMismatchError,
  McpArgumentsRejectedError,
  McpOperationForbiddenError,
  McpUpstreamTimeoutError,
  McpUpstreamUnavailableError,
  type DenialReason,
} from '../errors/mcp.errors';
import { MCP_OPERATION_DURATION } from '../mcp.metrics';
import { ToolPin, ToolPinsService } from '../pinning/tool-pins.service';
import {
  CatalogEntry,
  PROMPT_PIN,
  PromptEntry,
  ResourceEntry,
  ToolCatalog,
} from '../policy/tool-catalog';
import { TOOL_SEPARATOR } from '../policy/tool-names';
import { ResultSanitizer, SanitizedResult } from '../results/result-sanitizer';
import { McpQuotas } from '../session/mcp-quotas';
import type { InvisibleKind } from '../text/invisible-text';
import { UpstreamTimeoutError } from '../upstream/upstream-connection';
import { callOrigin, type CallContext } from './call-context';
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

  async callTool(
    ctx: CallContext,
    server: string,
    tool: string,
    input: Record<string, unknown> | undefined,
    onProgress?: (progress: Progress) => void,
  ): Promise<CallOutcome> {
    const started = process.hrtime.bigint();
    const args = input ?? {};
    let check = 'policy';
    let entry: CatalogEntry | undefined;
    try {
      const connection = this.catalog.connection(server);
      entry = this.catalog.entry(server, tool);
      if (!entry && connection.status !== 'connected')
        throw new McpUpstreamUnavailableError(server);
      if (!entry) throw new McpOperationForbiddenError(server, tool, 'unknown-tool');
      if (!entry.allowed || !entry.operation)
        throw new McpOperationForbiddenError(server, tool, entry.deniedReason ?? 'not-read-only');
      assertReadOnlyOperation(entry.operation === 'search' ? 'read' : entry.operation);
      check = 'arguments';
      const config = connection.server;
      const origin = callOrigin(ctx, server, tool);
      const checked = this.args.check(
        args,
        {
          schema: entry.tool.inputSchema,
          schemaKey: `${server}\u0000${entry.hash}`,
          roots: config.roots,
          secrets: this.config.argumentSecrets,
        },
        origin,
      );
      const flags = checked.flags;
      check = 'quota';
      if (config.network || entry.tool.annotations?.openWorldHint === true)
        await this.quotas.consume(ctx.principal.id, 'network-calls');
      if (config.roots.length > 0 || checked.namesFiles)
        await this.quotas.consume(ctx.principal.id, 'file-reads');
      check = 'upstream';
      if (connection.status !== 'connected') throw new McpUpstreamUnavailableError(server);
      const upstreamStarted = process.hrtime.bigint();
      let raw;
      try {
        raw = await connection.callTool(tool, checked.args, this.config.callTimeoutMs, onProgress);
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
    // A prompt is approved as `prompt:<name>` (its pin's field).
    const entry = tool.startsWith(PROMPT_PIN)
      ? this.catalog.promptOf(server, tool.slice(PROMPT_PIN.length))
      : this.catalog.entry(server, tool);
    if (!entry) throw new McpOperationForbiddenError(server, tool, 'unknown-tool');
    if (entry.hash !== expectedHash) {
      this.write(ctx, 'tools/approve', 'denied', 409, 'mcp-approval-mismatch', {
        server,
        tool,
        expectedHash,
        hash: entry.hash,
      });
      this.observe('approve_tool', 'hash', 'denied', started);
      throw new McpApprovalMismatchError(server, tool, expectedHash, entry.hash);
    }
    const previous = await this.pins.get(server, tool);
    const pin = await this.pins.approve(server, tool, entry.hash, ctx.principal.username);
    await this.catalog.rebuild(server);
    const now = tool.startsWith(PROMPT_PIN)
      ? this.catalog.promptOf(server, tool.slice(PROMPT_PIN.length))
      : this.catalog.entry(server, tool);
    const callable = now?.allowed === true && now.hash === pin.hash;
    const reason = callable ? undefined : (now?.deniedReason ?? 'definition-changed');
    this.write(ctx, 'tools/approve', 'allowed', 200, undefined, {
      server,
      tool,
      previousHash: previous?.hash,
      hash: pin.hash,
      callable,
      reason,
    });
    this.observe('approve_tool', 'passed', 'allowed', started);
    return { server, tool, previous, pin, callable, ...(reason ? { reason } : {}) };
  }

  /** Prompts and resources clients may use (from the catalogue at once, refreshed behind). */
  listPrompts(ctx: CallContext): PromptEntry[] {
    for (const c of this.catalog.servers()) this.catalog.refreshInBackground(c.server.name);
    const entries = this.catalog.allowedPrompts();
    this.write(ctx, 'prompts/list', 'allowed', 200, undefined, {
      allowed: entries.map((e) => e.clientName).slice(0, 200),
    });
    return entries;
  }

  listResources(ctx: CallContext): ResourceEntry[] {
    for (const c of this.catalog.servers()) this.catalog.refreshInBackground(c.server.name);
    const entries = this.catalog.allowedResources();
    this.write(ctx, 'resources/list', 'allowed', 200, undefined, {
      allowed: entries.map((e) => String(e.resource.uri).slice(0, 200)).slice(0, 200),
    });
    return entries;
  }

  /**
   * A prompt with its arguments: the same checks as tool arguments (size, paths by value,
   * credentials, self-modification), then its messages as inert, scanned, redacted text.
   */
  async getPrompt(
    ctx: CallContext,
    clientName: string,
    input: Record<string, string> | undefined,
  ): Promise<{ entry: PromptEntry; messages: PromptMessage[]; flags: SanitizedResult['flags'] }> {
    const entry = this.catalog.prompt(clientName);
    const server = entry?.server ?? '(none)';
    const name = entry?.prompt.name ?? clientName.slice(0, 80);
    return this.read(ctx, 'prompts/get', server, name, input ?? {}, async () => {
      if (!entry) throw new McpOperationForbiddenError(server, name, 'unknown-tool');
      if (!entry.allowed)
        throw new McpOperationForbiddenError(server, name, entry.deniedReason ?? 'not-enabled');
      const connection = this.catalog.connection(server);
      const origin = callOrigin(ctx, server, name);
      const properties = Object.fromEntries(
        (entry.prompt.arguments ?? []).map((a) => [
          a.name,
          { type: 'string', description: a.description },
        ]),
      );
      const checked = this.args.check(
        input ?? {},
        {
          schema: {
            type: 'object',
            properties,
            required: (entry.prompt.arguments ?? []).filter((a) => a.required).map((a) => a.name),
          },
          schemaKey: `${server}\u0000prompt\u0000${entry.hash}`,
          roots: connection.server.roots,
          secrets: this.config.argumentSecrets,
        },
        origin,
      );
      const raw = await this.upstream(server, () =>
        connection.getPrompt(
          name,
          checked.args as Record<string, string>,
          this.config.callTimeoutMs,
        ),
      );
      const flags: SanitizedResult['flags'] = [];
      const messages: PromptMessage[] = [];
      for (const message of raw.messages.slice(0, 100)) {
        const clean = this.results.sanitize(
          { content: [message.content] } as CallToolResult,
          this.config.resultMaxBytes,
          origin,
        );
        flags.push(...clean.flags);
        for (const content of clean.content) messages.push({ role: message.role, content });
      }
      return { entry, messages, flags: flags.slice(0, 50) };
    });
  }

  /**
   * A resource by URI: only one an allowed server lists (a `file:` URI inside its roots),
   * counted against the quotas, its text contents scanned and redacted like tool results;
   * binary contents are dropped.
   */
  async readResource(
    ctx: CallContext,
    uri: string,
  ): Promise<{
    contents: { uri: string; mimeType?: string; text: string }[];
    flags: SanitizedResult['flags'];
  }> {
    const entry = this.catalog.resource(uri);
    const server = entry?.server ?? '(none)';
    return this.read(ctx, 'resources/read', server, uri.slice(0, 200), {}, async () => {
      if (!entry) throw new McpOperationForbiddenError(server, uri.slice(0, 80), 'unknown-tool');
      if (!entry.allowed)
        throw new McpOperationForbiddenError(
          server,
          uri.slice(0, 80),
          entry.deniedReason ?? 'not-enabled',
        );
      const connection = this.catalog.connection(server);
      if (/^file:/i.test(uri) || connection.server.roots.length > 0)
        await this.quotas.consume(ctx.principal.id, 'file-reads');
      if (connection.server.network) await this.quotas.consume(ctx.principal.id, 'network-calls');
      const raw = await this.upstream(server, () =>
        connection.readResource(uri, this.config.callTimeoutMs),
      );
      const origin = callOrigin(ctx, server, uri.slice(0, 200));
      const flags: SanitizedResult['flags'] = [];
      const contents: { uri: string; mimeType?: string; text: string }[] = [];
      for (const item of raw.contents.slice(0, 100)) {
        if (!('text' in item) || typeof item.text !== 'string') continue;
        const clean = this.results.sanitize(
          { content: [{ type: 'text', text: item.text }] },
          this.config.resultMaxBytes,
          origin,
        );
        flags.push(...clean.flags);
        const text = clean.content.map((c) => ('text' in c ? c.text : '')).join('\n');
        contents.push({
          uri: String(item.uri),
          ...(item.mimeType ? { mimeType: item.mimeType } : {}),
          text,
        });
      }
      return { contents, flags: flags.slice(0, 50) };
    });
  }

  /** A read-only request to an upstream other than a tool call, audited and timed alike. */
  private async read<T>(
    ctx: CallContext,
    operation: 'prompts/get' | 'resources/read',
    server: string,
    target: string,
    args: Record<string, unknown>,
    work: () => Promise<T>,
  ): Promise<T> {
    const started = process.hrtime.bigint();
    const metric = operation === 'prompts/get' ? 'get_prompt' : 'read_resource';
    try {
      const result = await work();
      this.write(ctx, operation, 'allowed', 200, undefined, {
        server,
        target,
        arguments: argumentShape(args),
      });
      this.observe(metric, 'passed', 'allowed', started);
      return result;
    } catch (error) {
      const denied = error instanceof DomainError && error.status < 500;
      this.write(
        ctx,
        operation,
        denied ? 'denied' : 'allowed',
        denied ? 403 : 200,
        error instanceof DomainError ? reasonOf(error) : 'upstream-error',
        {
          server,
          target,
          arguments: argumentShape(args),
        },
      );
      this.observe(metric, 'policy', denied ? 'denied' : 'error', started);
      if (!(error instanceof DomainError)) throw new McpUpstreamUnavailableError(server);
      throw error;
    }
  }

  private async upstream<T>(server: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof UpstreamTimeoutError)
        throw new McpUpstreamTimeoutError(server, this.config.callTimeoutMs);
      throw error;
    }
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
        .map((e) => e.clientName)
        .slice(0, 200),
      denied: denied.slice(0, 200).map((e) => ({
        tool: e.clientName,
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

function reasonOf(error: DomainError): string {
  if (error instanceof McpOperationForbiddenError) return `${error.code}:${error.reason}`;
  if (error instanceof McpArgumentsRejectedError) return `${error.code}:${error.check}`;
  return error.code;
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
  };
}
