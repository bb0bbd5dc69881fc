import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Prompt, Resource, Tool } from '@modelcontextprotocol/sdk/types.js';
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
import { definitionHash, promptHash } from '../pinning/tool-definition';
import { ToolPin, ToolPinsService } from '../pinning/tool-pins.service';
import { InvisibleKind, stripInvisibleDeep } from '../text/invisible-text';
import { UpstreamConnection } from '../upstream/upstream-connection';
import { classifyTool, globMatches } from './tool-classifier';
import { clientToolName, TOOL_SEPARATOR } from './tool-names';

const REFRESH_MIN_INTERVAL_MS = 1000;

/** Prompts are pinned beside tools, under `prompt:<name>`. */
export const PROMPT_PIN = 'prompt:';

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

  /** Every prompt and resource clients may use, across servers. */
  allowedPrompts(): PromptEntry[] {
    return [...this.promptEntries.values()].flat().filter((e) => e.allowed);
  }

  allowedResources(): ResourceEntry[] {
    return [...this.resourceEntries.values()].flat().filter((e) => e.allowed);
  }

  /** A prompt by its client name, allowed or not. */
  prompt(clientName: string): PromptEntry | undefined {
    return [...this.promptEntries.values()].flat().find((e) => e.clientName === clientName);
  }

  /** A prompt by server and upstream name. */
  promptOf(server: string, name: string): PromptEntry | undefined {
    return this.promptEntries.get(server)?.find((e) => e.prompt.name === name);
  }

  /** A resource by its URI: the first server that may serve it, else any that lists it. */
  resource(uri: string): ResourceEntry | undefined {
    const all = [...this.resourceEntries.values()].flat().filter((e) => e.resource.uri === uri);
    return all.find((e) => e.allowed) ?? all[0];
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
        const found = new Set<InvisibleKind>();
        const exposed = stripInvisibleDeep(tool, found);
        const entry: CatalogEntry = {
          server: name,
          tool,
          exposed,
          clientName: clientToolName(name, tool.name),
          hash,
          allowed: false,
          hiddenText: [...found],
        };
        next.set(tool.name, entry);
        if (found.size > 0) this.reportHiddenText(entry);
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
        );
        entry.pinnedHash = pin?.hash;
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
    const before = this.exposedSet(name);
    this.name(name, next);
    this.entries.set(name, next);
    this.promptEntries.set(name, prompts);
    this.resourceEntries.set(name, resources);
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
        const found = new Set<InvisibleKind>();
        const exposed = stripInvisibleDeep(prompt, found);
        const hash = promptHash(prompt);
        const entry: PromptEntry = {
          server: name,
          prompt,
          exposed,
          clientName: clientToolName(name, prompt.name),
          hash,
          allowed: false,
          hiddenText: [...found],
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
        else {
          const key = `${PROMPT_PIN}${prompt.name}`;
          const { state } = await this.pins.check(
            name,
            key,
            hash,
            pinned.get(key) as ToolPin | undefined,
            baseline,
          );
          if (state === 'new') entry.deniedReason = 'pending-approval';
          else if (state === 'changed') entry.deniedReason = 'definition-changed';
          else entry.allowed = true;
        }
        return entry;
      }),
    );
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
      const found = new Set<InvisibleKind>();
      const exposed = stripInvisibleDeep(resource, found);
      const entry: ResourceEntry = {
        server: name,
        resource,
        exposed,
        allowed: false,
        hiddenText: [...found],
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
