import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Variables } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type {
  CallToolResult,
  CompleteRequest,
  CompleteResult,
  PromptMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { DomainError } from '@techsapo/core';
import { ArgumentGuard } from '../arguments/argument-guard';
import { MAX_URI_LENGTH } from '../arguments/argument-limits';
import { argumentShape } from '../arguments/argument-shape';
import { pathProblem } from '../arguments/path-check';
import { promptArgumentsSchema, templateVariablesSchema } from '../arguments/request-schemas';
import { mcpConfig } from '../config/mcp.config';
import {
  McpArgumentsRejectedError,
  McpOperationForbiddenError,
  McpUpstreamUnavailableError,
  type DenialReason,
} from '../errors/mcp.errors';
import {
  PROMPT_PIN,
  PromptEntry,
  ResourceEntry,
  schemeOf,
  TEMPLATE_PIN,
  TemplateEntry,
  ToolCatalog,
} from '../policy/tool-catalog';
import { globMatches } from '../policy/tool-classifier';
import { ResultSanitizer, SanitizedResult } from '../results/result-sanitizer';
import { McpQuotas } from '../session/mcp-quotas';
import type { InvisibleKind } from '../text/invisible-text';
import { callOrigin, type CallContext, type CallOrigin } from './call-context';
import { McpDecisions, reasonOf, untilTimeout } from './mcp-decisions';

/** A pinned prompt or resource template as an admin reviews it. */
export interface DefinitionView {
  /** What an approval names: `prompt:<name>` or `template:<name>`. */
  pin: string;
  definition: Record<string, unknown>;
  hash: string;
  hiddenText?: InvisibleKind[];
  deniedReason?: DenialReason;
}

const READ_METRICS = {
  'prompts/get': 'get_prompt',
  'resources/read': 'read_resource',
  'completion/complete': 'complete',
} as const;

/** At most this many suggested values reach clients (the specification's limit). */
const MAX_COMPLETION_VALUES = 100;

/**
 * The rest of MCP besides tools, read-only and under the same deny-by-default policy as
 * tools (McpProxyService): prompts, resources, resource templates and completions of the
 * servers whose policy enables them, pinned, their arguments judged by the argument guard,
 * what comes back cleaned by the result sanitiser, every decision audited and timed.
 */
@Injectable()
export class McpContentService {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly args: ArgumentGuard,
    private readonly results: ResultSanitizer,
    private readonly quotas: McpQuotas,
    private readonly decisions: McpDecisions,
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
  ) {}

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
    this.decisions.record(
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

  /** Prompts, resources and templates clients may use (from the catalogue at once, refreshed behind). */
  listPrompts(ctx: CallContext): PromptEntry[] {
    return this.listed(
      ctx,
      'prompts/list',
      () => this.catalog.allowedPrompts(),
      (e) => e.clientName,
    );
  }

  listResources(ctx: CallContext): ResourceEntry[] {
    return this.listed(
      ctx,
      'resources/list',
      () => this.catalog.allowedResources(),
      (e) => String(e.resource.uri),
    );
  }

  listTemplates(ctx: CallContext): TemplateEntry[] {
    return this.listed(
      ctx,
      'resources/templates/list',
      () => this.catalog.allowedTemplates(),
      (e) => e.template.uriTemplate,
    );
  }

  /** Every upstream is asked again in the background; the list is audited by what it named. */
  private listed<T>(
    ctx: CallContext,
    operation: string,
    entries: () => T[],
    label: (entry: T) => string,
  ): T[] {
    for (const c of this.catalog.servers()) this.catalog.refreshInBackground(c.server.name);
    const listed = entries();
    this.decisions.record(ctx, operation, 'allowed', 200, undefined, {
      allowed: listed.slice(0, 200).map((e) => label(e).slice(0, 200)),
    });
    return listed;
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
      const raw = await untilTimeout(server, this.config.callTimeoutMs, () =>
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
      const raw = await untilTimeout(server, this.config.callTimeoutMs, () =>
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
      const raw = await untilTimeout(server, this.config.callTimeoutMs, () =>
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
      this.decisions.record(ctx, operation, 'allowed', 200, undefined, {
        server,
        target,
        arguments: argumentShape(args),
      });
      this.decisions.observe(metric, 'passed', 'allowed', started);
      return result;
    } catch (error) {
      const denied = error instanceof DomainError && error.status < 500;
      this.decisions.record(
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
      this.decisions.observe(metric, 'policy', denied ? 'denied' : 'error', started);
      if (!(error instanceof DomainError)) throw new McpUpstreamUnavailableError(server);
      throw error;
    }
  }
}
