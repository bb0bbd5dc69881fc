import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { SecurityEventService } from '@techsapo/audit';
import { ReadinessRegistry, describeError } from '@techsapo/core';
import { ContentDetector } from '@techsapo/detector';
import { AttemptReporter } from '@techsapo/security';
import { loadMcpFile, McpFile, ToolOperation, UpstreamServer } from '../config/mcp-file';
import { mcpConfig } from '../config/mcp.config';
import { DenialReason, McpServerNotFoundError } from '../errors/mcp.errors';
import { definitionHash } from '../pinning/tool-definition';
import { ToolPinsService } from '../pinning/tool-pins.service';
import { UpstreamConnection } from '../upstream/upstream-connection';
import { classifyTool } from './tool-classifier';

export interface CatalogEntry {
  server: string;
  tool: Tool;
  hash: string;
  allowed: boolean;
  operation?: ToolOperation;
  deniedReason?: DenialReason;
  pinnedHash?: string;
}

/**
 * Every upstream from MCP_CONFIG and the verdict on each of its tools: policy (MCP1),
 * poisoned descriptions (`mcp-description`), and the pinned definition. Rebuilt whenever an
 * upstream's tool list changes and when a client lists tools; calls read the last verdict,
 * so the same decision applies to listing and calling.
 */
@Injectable()
export class ToolCatalog implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ToolCatalog.name);
  readonly file: McpFile;
  private readonly connections = new Map<string, UpstreamConnection>();
  private readonly entries = new Map<string, Map<string, CatalogEntry>>();
  private readonly rebuilding = new Map<string, Promise<void>>();
  /** Events already raised, so that a changed tool is reported once per definition. */
  private readonly reported = new Set<string>();

  constructor(
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
    private readonly pins: ToolPinsService,
    private readonly detector: ContentDetector,
    private readonly events: SecurityEventService,
    private readonly attempts: AttemptReporter,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.file = loadMcpFile(config.configFile);
  }

  async onModuleInit(): Promise<void> {
    for (const server of this.file.servers) {
      const connection = new UpstreamConnection(
        server,
        this.file.policy.hosts,
        this.config.production,
        (c) =>
          void this.rebuild(c.server.name).catch((error: unknown) =>
            this.logger.warn(`catalog of ${c.server.name}: ${describeError(error)}`),
          ),
      );
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
            { transport: c.transport, status: c.status },
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

  /** Reads the upstream's tools again and re-decides (a client listing tools triggers it). */
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
    await Promise.all(
      connection.tools.map(async (tool) => {
        const hash = definitionHash(tool);
        const entry: CatalogEntry = { server: name, tool, hash, allowed: false };
        next.set(tool.name, entry);
        const verdict = classifyTool(tool, policy);
        if (!verdict.allowed) {
          entry.deniedReason = verdict.reason;
          return;
        }
        entry.operation = verdict.operation;
        if (this.poisoned(name, tool, hash)) {
          entry.deniedReason = 'poisoned-description';
          return;
        }
        const { state, pin } = await this.pins.check(name, tool.name, hash, pinned.get(tool.name));
        entry.pinnedHash = pin.hash;
        if (state === 'changed') {
          entry.deniedReason = 'definition-changed';
          this.once(`changed:${name}:${tool.name}:${hash}`, () =>
            this.events.report({
              eventType: 'MCP_TOOL_DEFINITION_CHANGED',
              violationType: 'TOOL_DEFINITION_CHANGED',
              severity: 'HIGH',
              blocked: true,
              source: 'mcp-description',
              payload: tool.description,
              details: { server: name, tool: tool.name, pinnedHash: pin.hash, currentHash: hash },
            }),
          );
          return;
        }
        entry.allowed = true;
      }),
    );
    this.entries.set(name, next);
  }

  /**
   * Tool poisoning: instructions hidden in the description, title or argument descriptions.
   * Its attempts are reported once per definition (each rebuild scans the tools again).
   */
  private poisoned(server: string, tool: Tool, hash: string): boolean {
    const text = [tool.title, tool.description, JSON.stringify(tool.inputSchema ?? {})]
      .filter(Boolean)
      .join('\n');
    const scan = this.detector.scan(text, 'mcp-description');
    if (scan.verdict !== 'block') return false;
    this.once(`poisoned:${server}:${tool.name}:${hash}`, () =>
      this.attempts.report(scan.findings, {
        channel: 'mcp-description',
        eventType: 'MCP_TOOL_POISONING',
        payload: text,
        details: { server, tool: tool.name },
      }),
    );
    return true;
  }

  private once(key: string, report: () => unknown): void {
    if (this.reported.has(key)) return;
    if (this.reported.size > 10_000) this.reported.clear();
    this.reported.add(key);
    report();
  }
}
