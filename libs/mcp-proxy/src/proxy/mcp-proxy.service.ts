import { Inject, Injectable } from '@nestjs/common';
import type {
  CallToolResult,
  CompleteRequest,
  CompleteResult,
  Progress,
  PromptMessage,
} from '@modelcontextprotocol/sdk/types.js';
import type { Variables } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { AuditWriter, SecurityEventService } from '@techsapo/audit';
import { DomainError, maskIp, maskUserAgent } from '@techsapo/core';
import { assertReadOnlyOperation } from '@techsapo/security';
import { randomUUID } from 'node:crypto';
import type { Histogram } from 'prom-client';
import { ArgumentGuard, type CheckedArguments } from '../arguments/argument-guard';
import { argumentShape } from '../arguments/argument-shape';
import { MAX_URI_LENGTH } from '../arguments/argument-limits';
import { pathProblem } from '../arguments/path-check';
import { promptArgumentsSchema, templateVariablesSchema } from '../arguments/request-schemas';
import type { ToolOperation } from '../config/mcp-file';
import { mcpConfig } from '../config/mcp.config';
import {
  McpApprovalMismatchError,
  McpArgumentsRejectedError,
  McpOperationForbiddenError,
  McpQuotaExceededError,
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
  schemeOf,
  TEMPLATE_PIN,
  TemplateEntry,
  ToolCatalog,
} from '../policy/tool-catalog';
import { globMatches } from '../policy/tool-classifier';
import { TOOL_SEPARATOR } from '../policy/tool-names';
import { ResultSanitizer, SanitizedResult } from '../results/result-sanitizer';
import { McpQuotas } from '../session/mcp-quotas';
import type { InvisibleKind } from '../text/invisible-text';
import { UpstreamConnection, UpstreamTimeoutError } from '../upstream/upstream-connection';
import { callOrigin, type CallContext, type CallOrigin } from './call-context';

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

/** A pinned prompt or resource template as an admin reviews it. */
export interface DefinitionView {
  /** What an approval names: `prompt:<name>` or `template:<name>`. */
  pin: string;
  definition: Record<string, unknown>;
  hash: string;
  hiddenText?: InvisibleKind[];
  deniedReason?: DenialReason;
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
   * One server's prompts or resource templates: the exposed ones, or all with the reason for
   * the denied (admin, to review a definition and approve its hash).
   */
  listDefinitions(
    ctx: CallContext,
    server: string,
    kind: 'prompts' | 'templates',
    all = false,
  ): DefinitionView[] {
    this.catalog.refreshInBackground(server);
    const views =
      kind === 'prompts'
        ? this.catalog.promptsOf(server).map((e) => ({
            e,
            pin: `${PROMPT_PIN}${e.prompt.name}`,
            definition: { ...e.exposed },
          }))
        : this.catalog.templatesOf(server).map((e) => ({
            e,
            pin: `${TEMPLATE_PIN}${e.template.name}`,
            definition: { ...e.exposed },
          }));
    this.write(
      ctx,
      `${kind === 'prompts' ? 'prompts' : 'resources/templates'}/list`,
      'allowed',
      200,
      undefined,
      {
        server,
        allowed: views
          .filter((v) => v.e.allowed)
          .map((v) => v.pin)
          .slice(0, 200),
      },
    );
    return views
      .filter((v) => all || v.e.allowed)
      .map(({ e, pin, definition }) => ({
        pin,
        definition,
        hash: e.hash,
        ...(e.hiddenText.length > 0 ? { hiddenText: e.hiddenText } : {}),
        ...(all && !e.allowed ? { deniedReason: e.deniedReason } : {}),
      }));
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
      return await this.upstream(entry.server, () =>
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
    const now = this.catalog.pinned(server, tool);
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
      const checked = this.args.check(
        input ?? {},
        {
          schema: promptArgumentsSchema(entry.prompt, true),
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

  /** Whether clients may ask for completions: some upstream that serves them offers them. */
  offersCompletions(): boolean {
    return this.catalog.offersCompletions();
  }

  /** Resource templates clients may use (from the catalogue at once, refreshed behind). */
  listTemplates(ctx: CallContext): TemplateEntry[] {
    for (const c of this.catalog.servers()) this.catalog.refreshInBackground(c.server.name);
    const entries = this.catalog.allowedTemplates();
    this.write(ctx, 'resources/templates/list', 'allowed', 200, undefined, {
      allowed: entries.map((e) => e.template.uriTemplate.slice(0, 200)).slice(0, 200),
    });
    return entries;
  }

  /**
   * A resource by URI: one an allowed server lists (a `file:` URI inside its roots), or one
   * that matches an allowed template under the roots policy (see `templateRead`), counted
   * against the quotas, its text contents scanned and redacted like tool results; binary
   * contents are dropped. A listed resource that is denied stays denied, template or not.
   */
  async readResource(
    ctx: CallContext,
    uri: string,
  ): Promise<{
    contents: { uri: string; mimeType?: string; text: string }[];
    flags: SanitizedResult['flags'];
  }> {
    const listed = this.catalog.resource(uri);
    const matched = listed ? undefined : this.catalog.templateFor(uri);
    const server = listed?.server ?? matched?.entry.server ?? '(none)';
    const target = uri.slice(0, 200);
    return this.read(ctx, 'resources/read', server, target, matched?.variables ?? {}, async () => {
      const origin = callOrigin(ctx, server, target);
      if (!listed && !matched)
        throw new McpOperationForbiddenError(server, uri.slice(0, 80), 'unknown-tool');
      const verdict = listed ?? matched?.entry;
      if (verdict && !verdict.allowed)
        throw new McpOperationForbiddenError(
          server,
          uri.slice(0, 80),
          verdict.deniedReason ?? 'not-enabled',
        );
      const sent = matched ? this.templateRead(matched.entry, uri, matched.variables, origin) : uri;
      const connection = this.catalog.connection(server);
      if (/^file:/i.test(sent) || connection.server.roots.length > 0)
        await this.quotas.consume(ctx.principal.id, 'file-reads');
      if (connection.server.network) await this.quotas.consume(ctx.principal.id, 'network-calls');
      const raw = await this.upstream(server, () =>
        connection.readResource(sent, this.config.callTimeoutMs),
      );
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

  /**
   * A URI no server listed, read through an allowed template: at most 512 characters, not
   * named by a deny pattern, a `file:` URI inside the server's roots (the template's scheme
   * was allowed by the catalogue), and its variables judged like tool arguments (each one a
   * path). Returns the URI to send (credentials redacted, when the policy redacts).
   */
  private templateRead(
    entry: TemplateEntry,
    uri: string,
    variables: Variables,
    origin: CallOrigin,
  ): string {
    if (uri.length > MAX_URI_LENGTH)
      throw new McpArgumentsRejectedError('uri', [
        { field: 'uri', message: `URIs are at most ${MAX_URI_LENGTH} characters` },
      ]);
    const policy = this.catalog.file.policy.servers[entry.server];
    if (policy?.deny.some((p) => globMatches(p, uri)))
      throw new McpOperationForbiddenError(entry.server, uri.slice(0, 80), 'explicit-deny');
    const roots = this.catalog.connection(entry.server).server.roots;
    const problem = schemeOf(uri) === 'file' ? pathProblem(uri, roots) : undefined;
    if (problem) throw new McpArgumentsRejectedError('path', [{ field: 'uri', message: problem }]);
    const checked = this.args.check(
      variables,
      {
        schema: templateVariablesSchema(entry.matcher?.variableNames ?? []),
        schemaKey: `${entry.server}\u0000template\u0000${entry.hash}`,
        roots,
        secrets: this.config.argumentSecrets,
      },
      origin,
    );
    const redacted = JSON.stringify(checked.args) !== JSON.stringify(variables);
    return redacted && entry.matcher ? entry.matcher.expand(checked.args as Variables) : uri;
  }

  /**
   * `completion/complete` for an exposed prompt (by its client name) or template (by its
   * `uriTemplate`), forwarded to the upstream that owns it under its own name: the argument
   * and the context's arguments are judged like tool arguments, the suggested values are
   * cleaned like results (a value carrying a blocked pattern is dropped) and cut at the size
   * limit (and 100 values). A server that completes nothing answers no values.
   */
  async complete(
    ctx: CallContext,
    params: CompleteRequest['params'],
  ): Promise<{ completion: CompleteResult['completion']; flags: SanitizedResult['flags'] }> {
    const owner = this.completionOwner(params.ref);
    const server = owner.entry?.server ?? '(none)';
    const { argument } = params;
    const input = { ...(params.context?.arguments ?? {}), [argument.name]: argument.value };
    return this.read(ctx, 'completion/complete', server, owner.name, input, async () => {
      const { entry } = owner;
      if (!entry) throw new McpOperationForbiddenError(server, owner.name, 'unknown-tool');
      if (!entry.allowed)
        throw new McpOperationForbiddenError(
          server,
          owner.name,
          entry.deniedReason ?? 'not-enabled',
        );
      const connection = this.catalog.connection(server);
      const origin = callOrigin(ctx, server, owner.name);
      const checked = this.args.check(
        input,
        {
          schema: owner.schema,
          schemaKey: `${server}\u0000complete\u0000${owner.ref.type}\u0000${entry.hash}`,
          roots: connection.server.roots,
          secrets: this.config.argumentSecrets,
        },
        origin,
      ).args as Record<string, string>;
      if (!connection.offersCompletions) return { completion: { values: [] }, flags: [] };
      const context = Object.fromEntries(
        Object.keys(params.context?.arguments ?? {}).map((k) => [k, checked[k]]),
      );
      const raw = await this.upstream(server, () =>
        connection.complete(
          {
            ref: owner.ref,
            argument: { name: argument.name, value: checked[argument.name] },
            ...(params.context ? { context: { arguments: context } } : {}),
          },
          this.config.callTimeoutMs,
        ),
      );
      const upstreamValues = raw.completion.values;
      const clean = this.results.sanitizeValues(
        upstreamValues.slice(0, MAX_COMPLETION_VALUES),
        this.config.resultMaxBytes,
        origin,
      );
      const cut = clean.truncated || upstreamValues.length > MAX_COMPLETION_VALUES;
      return {
        completion: {
          values: clean.values,
          ...(typeof raw.completion.total === 'number' ? { total: raw.completion.total } : {}),
          ...(raw.completion.hasMore || cut ? { hasMore: true } : {}),
        },
        flags: clean.flags,
      };
    });
  }

  /** The exposed prompt or template a completion refers to, its upstream ref and argument schema. */
  private completionOwner(ref: CompleteRequest['params']['ref']): {
    entry?: PromptEntry | TemplateEntry;
    name: string;
    ref: CompleteRequest['params']['ref'];
    schema: object;
  } {
    if (ref.type === 'ref/prompt') {
      const entry = this.catalog.prompt(ref.name);
      return {
        entry,
        name: entry?.prompt.name ?? ref.name.slice(0, 80),
        ref: { type: 'ref/prompt', name: entry?.prompt.name ?? ref.name },
        schema: entry ? promptArgumentsSchema(entry.prompt, false) : {},
      };
    }
    const entry = this.catalog.template(ref.uri);
    return {
      entry,
      name: ref.uri.slice(0, 200),
      ref,
      schema: templateVariablesSchema(entry?.matcher?.variableNames ?? []),
    };
  }

  /** A read-only request to an upstream other than a tool call, audited and timed alike. */
  private async read<T>(
    ctx: CallContext,
    operation: 'prompts/get' | 'resources/read' | 'completion/complete',
    server: string,
    target: string,
    args: Record<string, unknown>,
    work: () => Promise<T>,
  ): Promise<T> {
    const started = process.hrtime.bigint();
    const metric = READ_METRICS[operation];
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

const READ_METRICS = {
  'prompts/get': 'get_prompt',
  'resources/read': 'read_resource',
  'completion/complete': 'complete',
} as const;

/** At most this many suggested values reach clients (the specification's limit). */
const MAX_COMPLETION_VALUES = 100;

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
