import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { UriTemplate, type Variables } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { SecurityEventService } from '@techsapo/audit';
import { ReadinessRegistry, describeError } from '@techsapo/core';
import { ContentDetector } from '@techsapo/detector';
import { AttemptReporter } from '@techsapo/security';
import type { Counter, Gauge } from 'prom-client';
import { loadMcpFile, McpFile, ToolOperation, UpstreamServer } from '../config/mcp-file';
import { mcpConfig } from '../config/mcp.config';
import { DenialReason, McpServerNotFoundError } from '../errors/mcp.errors';
import { MCP_UPSTREAM_RESTARTS, MCP_UPSTREAM_UP } from '../mcp.metrics';
import { pathProblem } from '../arguments/path-check';
import {
  definitionHash,
  promptHash,
  templateHash,
  toolDefinition,
} from '../pinning/tool-definition';
import { ToolPin, ToolPinsService } from '../pinning/tool-pins.service';
import { InvisibleKind, withoutInvisible } from '../text/invisible-text';
import { UpstreamConnection } from '../upstream/upstream-connection';
import { classifyTool, globMatches } from './tool-classifier';
import { clientToolName, TOOL_SEPARATOR } from './tool-names';

const REFRESH_MIN_INTERVAL_MS = 1000;

/** Prompts and resource templates are pinned beside tools, under `prompt:<name>` and `template:<name>`. */
export const PROMPT_PIN = 'prompt:';
export const TEMPLATE_PIN = 'template:';

/** What an approval needs of a pinned definition, whatever its kind. */
export interface PinnedDefinition {
  hash: string;
  allowed: boolean;
  deniedReason?: DenialReason;
  /** A tool's definition as clients see it, kept with its pin for a later review. */
  reviewed?: Record<string, unknown>;
}

export interface CatalogEntry {
  server: string;
  /** The definition as the upstream serves it (hashed and pinned as it is). */
  tool: Tool;
  /** What clients see: invisible and bidirectional characters stripped, the client name. */
  exposed: Tool;
  /** The name clients call it by (`<server>__<tool>`, normalised). */
  clientName: string;
  hash: string;
  allowed: boolean;
  operation?: ToolOperation;
  /** How the policy allowed it. */
  source?: 'explicit' | 'automatic';
  deniedReason?: DenialReason;
  pinnedHash?: string;
  /** The definition as clients see it (what an admin reviews and a pin keeps). */
  reviewed: Record<string, unknown>;
  /** The pinned definition, when this one differs from it and the pin kept it. */
  pinnedDefinition?: Record<string, unknown>;
  /** Invisible characters found (and stripped) in the definition. */
  hiddenText: InvisibleKind[];
}

/** A prompt of an upstream and the verdict on it (pinned like a tool). */
export interface PromptEntry {
  server: string;
  prompt: Prompt;
  exposed: Prompt;
  clientName: string;
  hash: string;
  allowed: boolean;
  deniedReason?: DenialReason;
  hiddenText: InvisibleKind[];
}

/** A resource template of an upstream and the verdict on it (pinned like a tool). */
export interface TemplateEntry {
  server: string;
  template: ResourceTemplate;
  exposed: ResourceTemplate;
  /** The parsed `uriTemplate`, that URIs are matched against (none: unparsable, never exposed). */
  matcher?: UriTemplate;
  hash: string;
  allowed: boolean;
  deniedReason?: DenialReason;
  hiddenText: InvisibleKind[];
}

/** A resource of an upstream and the verdict on it. */
export interface ResourceEntry {
  server: string;
  resource: Resource;
  exposed: Resource;
  allowed: boolean;
  deniedReason?: DenialReason;
  hiddenText: InvisibleKind[];
}

/**
 * Every upstream from MCP_CONFIG and the verdict on each of its tools: policy (MCP1),
 * poisoned descriptions (`mcp-description`), hidden characters, and the pinned definition.
 * Rebuilt whenever an upstream's tool list changes; clients are answered from it at once, and
 * listing asks the upstreams again in the background. Calls read the last verdict, so the
 * same decision applies to listing and calling.
 */
@Injectable()
export class ToolCatalog implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ToolCatalog.name);
  readonly file: McpFile;
  private readonly connections = new Map<string, UpstreamConnection>();
  private readonly entries = new Map<string, Map<string, CatalogEntry>>();
  private readonly promptEntries = new Map<string, PromptEntry[]>();
  private readonly resourceEntries = new Map<string, ResourceEntry[]>();
  private readonly templateEntries = new Map<string, TemplateEntry[]>();
  /** Client tool name → entry, across servers. */
  private readonly byClientName = new Map<string, CatalogEntry>();
  private readonly rebuilding = new Map<string, Promise<void>>();
  private readonly refreshing = new Map<string, Promise<void>>();
  /** When each server's last background refresh ended. */
  private readonly refreshed = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  /** Events already raised, so that a changed tool is reported once per definition. */
  private readonly reported = new Set<string>();

  constructor(
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
    private readonly pins: ToolPinsService,
    private readonly detector: ContentDetector,
    private readonly events: SecurityEventService,
    private readonly attempts: AttemptReporter,
    private readonly readiness: ReadinessRegistry,
    @InjectMetric(MCP_UPSTREAM_UP) private readonly up: Gauge<string>,
    @InjectMetric(MCP_UPSTREAM_RESTARTS) private readonly restarts: Counter<string>,
  ) {
    this.file = loadMcpFile(config.configFile);
  }

  async onModuleInit(): Promise<void> {
    for (const server of this.file.servers) {
      const connection = new UpstreamConnection(
        server,
        this.file.policy.hosts,
        this.config.production,
        { pingIntervalMs: this.config.ping.intervalMs, pingTimeoutMs: this.config.ping.timeoutMs },
        {
          toolsChanged: (c) =>
            void this.rebuild(c.server.name).catch((error: unknown) =>
              this.logger.warn(`catalog of ${c.server.name}: ${describeError(error)}`),
            ),
          statusChanged: (c) =>
            this.up.set(
              { server: c.server.name, transport: c.transport },
              c.status === 'connected' ? 1 : 0,
            ),
          restarted: (c, reason) => this.restarts.inc({ server: c.server.name, reason }),
        },
      );
      this.up.set({ server: server.name, transport: server.transport }, 0);
      this.connections.set(server.name, connection);
      this.entries.set(server.name, new Map());
    }
    // Upstreams that fail to start do not stop the service: they are retried in the background.
    await Promise.all([...this.connections.values()].map((c) => c.connect()));
    await Promise.all(
      [...this.connections.keys()].map((name) => this.rebuild(name).catch(() => undefined)),
    );
    this.readiness.register('mcp', async () => ({
      // Upstreams are reported, never a reason to take the instance out of rotation.
      ok: true,
      detail: {
        upstreams: Object.fromEntries(
          [...this.connections.values()].map((c) => [
            c.server.name,
            {
              transport: c.transport,
              status: c.status,
              restarts: c.restarts,
              ...(c.lastError ? { lastError: c.lastError } : {}),
            },
          ]),
        ),
      },
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.close()));
  }

  servers(): UpstreamConnection[] {
    return [...this.connections.values()];
  }

  connection(name: string): UpstreamConnection {
    const connection = this.connections.get(name);
    if (!connection) throw new McpServerNotFoundError(name);
    return connection;
  }

  serverConfig(name: string): UpstreamServer {
    return this.connection(name).server;
  }

  /** The current verdicts of one server (no upstream round trip). */
  toolsOf(name: string): CatalogEntry[] {
    this.connection(name);
    return [...(this.entries.get(name)?.values() ?? [])];
  }

  entry(server: string, tool: string): CatalogEntry | undefined {
    return this.entries.get(server)?.get(tool);
  }

  /** The entry a client's tool name stands for. */
  byName(clientName: string): CatalogEntry | undefined {
    return this.byClientName.get(clientName);
  }

  /** One server's prompts and resource templates with their verdicts (no upstream round trip). */
  promptsOf(name: string): PromptEntry[] {
    this.connection(name);
    return this.promptEntries.get(name) ?? [];
  }

  templatesOf(name: string): TemplateEntry[] {
    this.connection(name);
    return this.templateEntries.get(name) ?? [];
  }

  /** Every prompt and resource clients may use, across servers. */
  allowedPrompts(): PromptEntry[] {
    return [...this.promptEntries.values()].flat().filter((e) => e.allowed);
  }

  allowedResources(): ResourceEntry[] {
    return [...this.resourceEntries.values()].flat().filter((e) => e.allowed);
  }

  allowedTemplates(): TemplateEntry[] {
    return [...this.templateEntries.values()].flat().filter((e) => e.allowed);
  }

  /**
   * The template a URI matches, with its variables: an allowed one (the first, in server
   * order), else the telling denial of one that is not.
   */
  templateFor(uri: string): { entry: TemplateEntry; variables: Variables } | undefined {
    const matches = [...this.templateEntries.values()].flat().flatMap((entry) => {
      const variables = entry.matcher && matchTemplate(entry.matcher, uri);
      return variables ? [{ entry, variables }] : [];
    });
    const chosen = telling(matches.map((m) => m.entry));
    return matches.find((m) => m.entry === chosen);
  }

  /** A template by its `uriTemplate` (a completion's `ref/resource`), allowed or not. */
  template(uriTemplate: string): TemplateEntry | undefined {
    return telling(
      [...this.templateEntries.values()]
        .flat()
        .filter((e) => e.template.uriTemplate === uriTemplate),
    );
  }

  /** Whether some connected upstream whose prompts or resources reach clients completes arguments. */
  offersCompletions(): boolean {
    return this.servers().some((c) => {
      const policy = this.file.policy.servers[c.server.name];
      return (policy?.prompts || policy?.resources) === true && c.offersCompletions;
    });
  }

  /** A tool, `prompt:<name>` or `template:<name>` of a server, as an approval sees it. */
  pinned(server: string, key: string): PinnedDefinition | undefined {
    if (key.startsWith(PROMPT_PIN)) return this.promptOf(server, key.slice(PROMPT_PIN.length));
    if (key.startsWith(TEMPLATE_PIN))
      return this.templateEntries
        .get(server)
        ?.find((e) => e.template.name === key.slice(TEMPLATE_PIN.length));
    return this.entry(server, key);
  }

  /** A prompt by its client name, allowed or not. */
  prompt(clientName: string): PromptEntry | undefined {
    return [...this.promptEntries.values()].flat().find((e) => e.clientName === clientName);
  }

  /** A prompt by server and upstream name. */
  promptOf(server: string, name: string): PromptEntry | undefined {
    return this.promptEntries.get(server)?.find((e) => e.prompt.name === name);
  }

  /** A resource by its URI: the first server that may serve it, else the telling denial. */
  resource(uri: string): ResourceEntry | undefined {
    return telling([...this.resourceEntries.values()].flat().filter((e) => e.resource.uri === uri));
  }

  /** The configured server a client's tool name starts with, when none of its tools is known. */
  serverOfName(clientName: string): string | undefined {
    const at = clientName.indexOf(TOOL_SEPARATOR);
    const name = at > 0 ? clientName.slice(0, at) : undefined;
    return name && this.connections.has(name) ? name : undefined;
  }

  /** Called after the exposed tools of any server changed (for `tools/list_changed`). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads the upstream's tools again and re-decides, without making anyone wait: concurrent
   * requests share one run, and a hung upstream holds up only that run.
   */
  refreshInBackground(name: string): void {
    if (this.refreshing.has(name)) return;
    // A client listing in a loop does not make the proxy list the upstream in a loop.
    if (Date.now() - (this.refreshed.get(name) ?? 0) < REFRESH_MIN_INTERVAL_MS) return;
    const run = this.refresh(name).finally(() => {
      this.refreshing.delete(name);
      this.refreshed.set(name, Date.now());
    });
    this.refreshing.set(name, run);
  }

  /** Reads the upstream's tools again and re-decides (an admin approving waits for it). */
  async refresh(name: string): Promise<void> {
    const connection = this.connection(name);
    if (connection.status === 'connected') {
      try {
        await connection.refresh();
      } catch (error) {
        this.logger.warn(`refresh of ${name}: ${describeError(error)}`);
      }
    }
    await this.rebuild(name);
  }

  /** Re-decides one server's tools; concurrent callers share one run. */
  rebuild(name: string): Promise<void> {
    const running = this.rebuilding.get(name);
    if (running) return running.then(() => this.rebuild(name));
    const run = this.decideAll(name).finally(() => this.rebuilding.delete(name));
    this.rebuilding.set(name, run);
    return run;
  }

  private async decideAll(name: string): Promise<void> {
    const connection = this.connection(name);
    const policy = this.file.policy.servers[name];
    const next = new Map<string, CatalogEntry>();
    const pinned = connection.tools.length > 0 ? await this.pins.all(name) : new Map();
    const baseline =
      connection.tools.length > 0 && pinned.size === 0 ? await this.pins.takeBaseline(name) : false;
    await Promise.all(
      connection.tools.map(async (tool) => {
        const hash = definitionHash(tool);
        const { exposed, hiddenText } = withoutInvisible(tool);
        const entry: CatalogEntry = {
          server: name,
          tool,
          exposed,
          clientName: clientToolName(name, tool.name),
          hash,
          allowed: false,
          reviewed: toolDefinition(exposed),
          hiddenText,
        };
        next.set(tool.name, entry);
        if (hiddenText.length > 0) this.reportHiddenText(entry);
        const verdict = classifyTool(exposed, policy);
        if (!verdict.allowed) {
          entry.deniedReason = verdict.reason;
          return;
        }
        entry.operation = verdict.operation;
        entry.source = verdict.source;
        if (this.poisoned(name, tool, hash)) {
          entry.deniedReason = 'poisoned-description';
          return;
        }
        const { state, pin } = await this.pins.check(
          name,
          tool.name,
          hash,
          pinned.get(tool.name),
          baseline,
          entry.reviewed,
        );
        entry.pinnedHash = pin?.hash;
        if (state === 'changed') entry.pinnedDefinition = pin?.definition;
        if (state === 'new') {
          entry.deniedReason = 'pending-approval';
          this.once(`new:${name}:${tool.name}:${hash}`, () =>
            this.events.report({
              eventType: 'MCP_TOOL_ADDED',
              violationType: 'TOOL_DEFINITION_CHANGED',
              severity: 'MEDIUM',
              blocked: true,
              source: 'mcp-description',
              payload: exposed.description ?? '',
              details: { server: name, tool: tool.name, currentHash: hash },
            }),
          );
          return;
        }
        if (state === 'changed') {
          entry.deniedReason = 'definition-changed';
          this.once(`changed:${name}:${tool.name}:${hash}`, () =>
            this.events.report({
              eventType: 'MCP_TOOL_DEFINITION_CHANGED',
              violationType: 'TOOL_DEFINITION_CHANGED',
              severity: 'HIGH',
              blocked: true,
              source: 'mcp-description',
              payload: exposed.description ?? '',
              details: { server: name, tool: tool.name, pinnedHash: pin?.hash, currentHash: hash },
            }),
          );
          return;
        }
        entry.allowed = true;
      }),
    );
    const prompts = await this.decidePrompts(name, pinned, baseline);
    const resources = this.decideResources(name);
    const templates = await this.decideTemplates(name, pinned, baseline);
    const before = this.exposedSet(name);
    this.name(name, next);
    this.entries.set(name, next);
    this.promptEntries.set(name, prompts);
    this.resourceEntries.set(name, resources);
    this.templateEntries.set(name, templates);
    if (this.exposedSet(name) !== before) for (const listener of this.listeners) listener();
  }

  /** Indexes one server's tools by client name, kept apart from every other server's. */
  private name(server: string, next: Map<string, CatalogEntry>): void {
    for (const [key, entry] of this.byClientName)
      if (entry.server === server) this.byClientName.delete(key);
    for (const entry of next.values()) {
      // Two digests of eight hex digits that meet: the later one takes the longer digest.
      if (this.byClientName.has(entry.clientName))
        entry.clientName = clientToolName(server, entry.tool.name, true);
      this.byClientName.set(entry.clientName, entry);
    }
  }

  private exposedSet(server: string): string {
    return [
      ...[...(this.entries.get(server)?.values() ?? [])]
        .filter((e) => e.allowed)
        .map((e) => `${e.clientName}:${e.hash}`),
      ...(this.promptEntries.get(server) ?? [])
        .filter((e) => e.allowed)
        .map((e) => `p:${e.clientName}:${e.hash}`),
      ...(this.resourceEntries.get(server) ?? [])
        .filter((e) => e.allowed)
        .map((e) => `r:${e.resource.uri}`),
      ...(this.templateEntries.get(server) ?? [])
        .filter((e) => e.allowed)
        .map((e) => `t:${e.template.uriTemplate}:${e.hash}`),
    ]
      .sort()
      .join(',');
  }

  /**
   * Prompts reach clients when the server's policy enables them (`prompts: true`), no deny
   * pattern names them, their text is not poisoned, and their definition is pinned: new and
   * changed prompts wait for an admin as tools do (pins `prompt:<name>`).
   */
  private async decidePrompts(
    name: string,
    pinned: Map<string, { hash: string }>,
    baseline: boolean,
  ): Promise<PromptEntry[]> {
    const policy = this.file.policy.servers[name];
    return Promise.all(
      this.connection(name).prompts.map(async (prompt) => {
        const hash = promptHash(prompt);
        const entry: PromptEntry = {
          server: name,
          prompt,
          ...withoutInvisible(prompt),
          clientName: clientToolName(name, prompt.name),
          hash,
          allowed: false,
        };
        if (!policy?.prompts) entry.deniedReason = 'not-enabled';
        else if (policy.deny.some((p) => globMatches(p, prompt.name)))
          entry.deniedReason = 'explicit-deny';
        else if (
          this.poisonedText(name, prompt.name, hash, [
            prompt.title,
            prompt.description,
            JSON.stringify(prompt.arguments ?? []),
          ])
        )
          entry.deniedReason = 'poisoned-description';
        else await this.applyPin(entry, `${PROMPT_PIN}${prompt.name}`, pinned, baseline);
        return entry;
      }),
    );
  }

  /**
   * Resource templates reach clients when the server's policy enables resources, no deny
   * pattern names them, their scheme may be read (`file:` with roots, whose every URI must then
   * resolve inside them; another scheme only when the policy lists it in `templateSchemes`),
   * their text is not poisoned, and their definition is pinned (`template:<name>`): a template
   * lets a client read URIs no server listed.
   */
  private async decideTemplates(
    name: string,
    pinned: Map<string, { hash: string }>,
    baseline: boolean,
  ): Promise<TemplateEntry[]> {
    const connection = this.connection(name);
    const policy = this.file.policy.servers[name];
    return Promise.all(
      connection.resourceTemplates.map(async (template) => {
        const hash = templateHash(template);
        const entry: TemplateEntry = {
          server: name,
          template,
          ...withoutInvisible(template),
          matcher: parseTemplate(template.uriTemplate),
          hash,
          allowed: false,
        };
        const scheme = schemeOf(template.uriTemplate);
        if (!policy?.resources) entry.deniedReason = 'not-enabled';
        else if (!entry.matcher) entry.deniedReason = 'invalid-schema';
        else if (
          policy.deny.some(
            (p) => globMatches(p, template.uriTemplate) || globMatches(p, template.name),
          )
        )
          entry.deniedReason = 'explicit-deny';
        else if (scheme === 'file' && connection.server.roots.length === 0)
          entry.deniedReason = 'outside-roots';
        else if (scheme !== 'file' && !policy.templateSchemes.includes(scheme ?? ''))
          entry.deniedReason = 'scheme-not-enabled';
        else if (
          this.poisonedText(name, template.uriTemplate, hash, [
            template.title,
            template.description,
          ])
        )
          entry.deniedReason = 'poisoned-description';
        else await this.applyPin(entry, `${TEMPLATE_PIN}${template.name}`, pinned, baseline);
        return entry;
      }),
    );
  }

  /** A prompt or template allowed so far: pinned and unchanged, or withheld until approved. */
  private async applyPin(
    entry: { hash: string; server: string; allowed: boolean; deniedReason?: DenialReason },
    key: string,
    pinned: Map<string, { hash: string }>,
    baseline: boolean,
  ): Promise<void> {
    const { state } = await this.pins.check(
      entry.server,
      key,
      entry.hash,
      pinned.get(key) as ToolPin | undefined,
      baseline,
    );
    if (state === 'new') entry.deniedReason = 'pending-approval';
    else if (state === 'changed') entry.deniedReason = 'definition-changed';
    else entry.allowed = true;
  }

  /**
   * Resources reach clients when the server's policy enables them (`resources: true`), no
   * deny pattern names their URI, a `file:` URI lies inside the server's roots (a server
   * without roots exposes none), and their description is not poisoned.
   */
  private decideResources(name: string): ResourceEntry[] {
    const connection = this.connection(name);
    const policy = this.file.policy.servers[name];
    return connection.resources.map((resource) => {
      const entry: ResourceEntry = {
        server: name,
        resource,
        ...withoutInvisible(resource),
        allowed: false,
      };
      const uri = String(resource.uri);
      if (!policy?.resources) entry.deniedReason = 'not-enabled';
      else if (policy.deny.some((p) => globMatches(p, uri) || globMatches(p, resource.name)))
        entry.deniedReason = 'explicit-deny';
      else if (/^file:/i.test(uri) && pathProblem(uri, connection.server.roots))
        entry.deniedReason = 'outside-roots';
      else if (this.poisonedText(name, uri, uri, [resource.title, resource.description]))
        entry.deniedReason = 'poisoned-description';
      else entry.allowed = true;
      return entry;
    });
  }

  /**
   * Tool poisoning: instructions hidden in the description, title or argument descriptions
   * (also spelled in invisible tag characters: the detector reads those). Its attempts are
   * reported once per definition (each rebuild scans the tools again).
   */
  private poisoned(server: string, tool: Tool, hash: string): boolean {
    return this.poisonedText(server, tool.name, hash, [
      tool.title,
      tool.description,
      JSON.stringify(tool.inputSchema ?? {}),
    ]);
  }

  private poisonedText(
    server: string,
    name: string,
    version: string,
    parts: (string | undefined)[],
  ): boolean {
    const text = parts.filter(Boolean).join('\n');
    const scan = this.detector.scan(text, 'mcp-description');
    if (scan.verdict !== 'block') return false;
    this.once(`poisoned:${server}:${name}:${version}`, () =>
      this.attempts.report(scan.findings, {
        channel: 'mcp-description',
        eventType: 'MCP_TOOL_POISONING',
        payload: text,
        details: { server, tool: name },
      }),
    );
    return true;
  }

  private reportHiddenText(entry: CatalogEntry): void {
    this.once(`hidden:${entry.server}:${entry.tool.name}:${entry.hash}`, () =>
      this.events.report({
        eventType: 'MCP_HIDDEN_TEXT',
        violationType: 'HIDDEN_TEXT',
        severity: entry.hiddenText.includes('tag') ? 'HIGH' : 'MEDIUM',
        blocked: false,
        source: 'mcp-description',
        payload: entry.exposed.description ?? '',
        details: { server: entry.server, tool: entry.exposed.name, kinds: entry.hiddenText },
      }),
    );
  }

  private once(key: string, report: () => unknown): void {
    if (this.reported.has(key)) return;
    if (this.reported.size > 10_000) this.reported.clear();
    this.reported.add(key);
    report();
  }
}

/**
 * Of the servers that list the same URI or template: one that may serve it, else one whose
 * denial says more than "this server's resources are not enabled".
 */
function telling<T extends { allowed: boolean; deniedReason?: DenialReason }>(
  entries: T[],
): T | undefined {
  return (
    entries.find((e) => e.allowed) ??
    entries.find((e) => e.deniedReason !== 'not-enabled') ??
    entries[0]
  );
}

function parseTemplate(uriTemplate: string): UriTemplate | undefined {
  try {
    return new UriTemplate(uriTemplate);
  } catch {
    return undefined;
  }
}

function matchTemplate(matcher: UriTemplate, uri: string): Variables | null {
  try {
    return matcher.match(uri);
  } catch {
    return null;
  }
}

/** The lower-case scheme of a URI or URI template, if it has one. */
export function schemeOf(uri: string): string | undefined {
  return /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
}
