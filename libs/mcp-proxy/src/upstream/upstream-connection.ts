import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResult,
  CompleteRequest,
  CompleteResult,
  ErrorCode,
  GetPromptResult,
  McpError,
  Progress,
  Prompt,
  PromptListChangedNotificationSchema,
  ReadResourceResult,
  Resource,
  ResourceListChangedNotificationSchema,
  ResourceTemplate,
  Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { describeError } from '@techsapo/core';
import type { UpstreamServer } from '../config/mcp-file';
import { guardedHttp, HostLists, redactUrl } from './host-policy';
import { StdioLauncher } from './stdio-launcher';
import { UpstreamHttpError, UpstreamHttpTransport } from './upstream-http-transport';

/** `unresponsive`: connected but not answering; it is being restarted. */
export type UpstreamStatus = 'connecting' | 'connected' | 'unresponsive' | 'error' | 'closed';

/** Why the proxy ended a connection and opened it again. */
export type RestartReason = 'unresponsive' | 'session-lost' | 'closed';

const CONNECT_TIMEOUT_MS = 15_000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

export class UpstreamTimeoutError extends Error {}

export interface UpstreamHealth {
  /** How often the upstream is pinged, and how long it has to answer. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
}

export interface UpstreamEvents {
  toolsChanged(connection: UpstreamConnection): void;
  statusChanged(connection: UpstreamConnection): void;
  restarted(connection: UpstreamConnection, reason: RestartReason): void;
}

/**
 * One upstream MCP server through the SDK Client: connected at start, reconnected with
 * backoff when it fails, its tool list kept fresh (on `tools/list_changed` and on demand).
 * Its liveness is checked by a ping every interval and after a call that timed out: a stdio
 * child that does not answer is killed and started again, an HTTP upstream that lost our
 * session (it restarted: 404, or 400 for an id it does not know) is initialised again. The
 * Client declares no capabilities (no roots, sampling or elicitation), so an upstream can
 * never ask the proxy's clients for anything.
 */
export class UpstreamConnection {
  private state: UpstreamStatus = 'connecting';
  lastError?: string;
  tools: Tool[] = [];
  /** Its resources and prompts, when it offers them (read with the tools). */
  resources: Resource[] = [];
  resourceTemplates: ResourceTemplate[] = [];
  prompts: Prompt[] = [];
  /** How many times the proxy restarted this upstream. */
  restarts = 0;
  private client?: Client;
  private retryMs = RETRY_MIN_MS;
  private retryTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private checking?: Promise<boolean>;
  /** The connection being opened, if one is (calls wait for it rather than fail). */
  private opening?: Promise<void>;
  private closing = false;
  private readonly logger: Logger;

  constructor(
    readonly server: UpstreamServer,
    private readonly hosts: HostLists,
    private readonly production: boolean,
    private readonly health: UpstreamHealth,
    private readonly events: UpstreamEvents,
  ) {
    this.logger = new Logger(`McpUpstream:${server.name}`);
  }

  get transport(): UpstreamServer['transport'] {
    return this.server.transport;
  }

  get status(): UpstreamStatus {
    return this.state;
  }

  private set status(next: UpstreamStatus) {
    if (next === this.state) return;
    this.state = next;
    this.events.statusChanged(this);
  }

  /** Opens the connection; concurrent callers share one attempt. */
  connect(): Promise<void> {
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<void> {
    if (this.closing) return;
    this.status = 'connecting';
    const client = new Client(
      { name: 'techsapo-mcp-proxy', version: '1.0.0' },
      { capabilities: {} },
    );
    for (const schema of [
      ToolListChangedNotificationSchema,
      ResourceListChangedNotificationSchema,
      PromptListChangedNotificationSchema,
    ])
      client.setNotificationHandler(schema, () => void this.refresh().catch(() => undefined));
    client.onerror = (error) => this.logger.debug(`transport: ${error.message}`);
    client.onclose = () => {
      if (this.client !== client || this.closing) return;
      this.client = undefined;
      this.fail('connection closed');
      this.events.restarted(this, 'closed');
      this.scheduleRetry();
    };
    try {
      await client.connect(this.createTransport(), { timeout: CONNECT_TIMEOUT_MS });
      this.client = client;
      await this.refresh();
      this.lastError = undefined;
      this.status = 'connected';
      this.logger.log(`connected (${this.describe()}), ${this.tools.length} tools`);
      this.schedulePing();
    } catch (error) {
      this.client = undefined;
      this.fail(describeError(error));
      await client.close().catch(() => undefined);
      this.logger.warn(`cannot connect (${this.describe()}): ${this.lastError}`);
      this.scheduleRetry();
    }
  }

  /** Whether the connected upstream answers `completion/complete`. */
  get offersCompletions(): boolean {
    return this.client?.getServerCapabilities()?.completions !== undefined;
  }

  /** Reads the upstream's tools again, and its resources, templates and prompts when it has them. */
  async refresh(): Promise<Tool[]> {
    const client = this.client;
    if (!client) return this.tools;
    const options = { timeout: CONNECT_TIMEOUT_MS };
    const offers = client.getServerCapabilities() ?? {};
    const tools = await allPages((cursor) =>
      client.listTools(cursor, options).then((p) => [p.tools, p.nextCursor] as const),
    );
    const resources = offers.resources
      ? await allPages((cursor) =>
          client.listResources(cursor, options).then((p) => [p.resources, p.nextCursor] as const),
        )
      : [];
    // A server with resources need not have templates: "method not found" means none.
    const resourceTemplates = offers.resources
      ? await allPages((cursor) =>
          client
            .listResourceTemplates(cursor, options)
            .then((p) => [p.resourceTemplates, p.nextCursor] as const),
        ).catch((error: unknown) => {
          if (error instanceof McpError && error.code === ErrorCode.MethodNotFound) return [];
          throw error;
        })
      : [];
    const prompts = offers.prompts
      ? await allPages((cursor) =>
          client.listPrompts(cursor, options).then((p) => [p.prompts, p.nextCursor] as const),
        )
      : [];
    const changed =
      JSON.stringify([tools, resources, resourceTemplates, prompts]) !==
      JSON.stringify([this.tools, this.resources, this.resourceTemplates, this.prompts]);
    this.tools = tools;
    this.resources = resources;
    this.resourceTemplates = resourceTemplates;
    this.prompts = prompts;
    if (changed) this.events.toolsChanged(this);
    return tools;
  }

  async readResource(uri: string, timeoutMs: number): Promise<ReadResourceResult> {
    return this.request(
      (client) => client.readResource({ uri }, { timeout: timeoutMs }),
      timeoutMs,
    );
  }

  async complete(params: CompleteRequest['params'], timeoutMs: number): Promise<CompleteResult> {
    return this.request((client) => client.complete(params, { timeout: timeoutMs }), timeoutMs);
  }

  async getPrompt(
    name: string,
    args: Record<string, string>,
    timeoutMs: number,
  ): Promise<GetPromptResult> {
    return this.request(
      (client) => client.getPrompt({ name, arguments: args }, { timeout: timeoutMs }),
      timeoutMs,
    );
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    onProgress?: (progress: Progress) => void,
  ): Promise<CallToolResult> {
    // A reconnection in progress (after a lost session) is waited for, within the timeout.
    if (this.opening) await withTimeout(this.opening, timeoutMs);
    try {
      return await this.callOnce(name, args, timeoutMs, onProgress);
    } catch (error) {
      if (!isSessionLost(error)) throw error;
      // The upstream restarted and forgot our session: initialise again, then try once more.
      await this.restart('session-lost');
      return this.callOnce(name, args, timeoutMs, onProgress);
    }
  }

  /**
   * Pings the upstream; one that does not answer in time is restarted. Concurrent callers
   * share one check. Resolves to whether it answered.
   */
  checkLiveness(): Promise<boolean> {
    this.checking ??= this.ping().finally(() => (this.checking = undefined));
    return this.checking;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.pingTimer);
    this.status = 'closed';
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  /** One request other than a tool call, with the same timeout and restart rules. */
  private async request<T>(send: (client: Client) => Promise<T>, timeoutMs: number): Promise<T> {
    if (this.opening) await withTimeout(this.opening, timeoutMs);
    const client = this.client;
    if (!client || this.status !== 'connected') throw new Error('not connected');
    try {
      return await send(client);
    } catch (error) {
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        void this.checkLiveness();
        throw new UpstreamTimeoutError(error.message);
      }
      throw error;
    }
  }

  private async callOnce(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    onProgress?: (progress: Progress) => void,
  ): Promise<CallToolResult> {
    const client = this.client;
    if (!client || this.status !== 'connected') throw new Error('not connected');
    try {
      return (await client.callTool({ name, arguments: args }, undefined, {
        timeout: timeoutMs,
        maxTotalTimeout: timeoutMs,
        ...(onProgress ? { onprogress: onProgress } : {}),
      })) as CallToolResult;
    } catch (error) {
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        // A call that timed out may mean a hung upstream: check now, not at the next ping.
        void this.checkLiveness();
        throw new UpstreamTimeoutError(error.message);
      }
      // The call was cut short because the upstream stopped answering and is being restarted.
      if (this.client !== client && this.state === 'unresponsive')
        throw new UpstreamTimeoutError('the upstream stopped answering and is being restarted');
      throw error;
    }
  }

  private async ping(): Promise<boolean> {
    const client = this.client;
    if (!client || this.status !== 'connected') return false;
    try {
      await client.ping({ timeout: this.health.pingTimeoutMs });
      this.retryMs = RETRY_MIN_MS;
      return true;
    } catch (error) {
      if (this.client !== client) return false;
      const lost = isSessionLost(error);
      this.logger.warn(
        lost
          ? 'the upstream lost our session: initialising again'
          : `no answer to a ping within ${this.health.pingTimeoutMs} ms: restarting`,
      );
      await this.restart(lost ? 'session-lost' : 'unresponsive');
      return false;
    }
  }

  /** Ends the current connection (a stdio child is killed) and connects again. */
  private async restart(reason: RestartReason): Promise<void> {
    const client = this.client;
    // Already being restarted (a ping and a call both noticed): wait for that one.
    if (!client) return this.opening;
    this.client = undefined;
    clearTimeout(this.pingTimer);
    this.status = reason === 'unresponsive' ? 'unresponsive' : 'connecting';
    this.lastError = reason === 'unresponsive' ? 'did not answer a liveness ping' : reason;
    this.restarts += 1;
    this.events.restarted(this, reason);
    if (reason === 'session-lost') {
      // Open the new session at once (calls wait for it) while the old client closes.
      const reopening = this.connect();
      await client.close().catch(() => undefined);
      return reopening;
    }
    await client.close().catch(() => undefined);
    this.scheduleRetry();
  }

  private fail(message: string): void {
    this.lastError = message.slice(0, 200);
    this.status = 'error';
  }

  private schedulePing(): void {
    clearTimeout(this.pingTimer);
    if (this.closing) return;
    this.pingTimer = setTimeout(() => {
      void this.checkLiveness().finally(() => {
        if (this.client) this.schedulePing();
      });
    }, this.health.pingIntervalMs);
    this.pingTimer.unref();
  }

  private scheduleRetry(): void {
    if (this.closing) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private createTransport(): Transport {
    const s = this.server;
    if (s.transport === 'stdio') {
      return new StdioLauncher({ command: s.command, args: s.args, env: s.env, cwd: s.cwd });
    }
    // The client's own credentials never travel upstream: only the headers in MCP_CONFIG.
    return new UpstreamHttpTransport(s.url, {
      http: guardedHttp(this.hosts, this.production),
      headers: s.headers,
    });
  }

  private describe(): string {
    return this.server.transport === 'stdio'
      ? `stdio ${this.server.command}`
      : `streamable-http ${redactUrl(this.server.url)}`;
  }
}

/** Every page of a paginated list (at most 10 000 items). */
async function allPages<T>(
  page: (cursor: { cursor: string } | undefined) => Promise<readonly [T[], string | undefined]>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const [batch, next] = await page(cursor ? { cursor } : undefined);
    items.push(...batch);
    cursor = next;
  } while (cursor && items.length < 10_000);
  return items;
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A Streamable HTTP upstream that no longer knows our session id answers 404 (or 400). */
function isSessionLost(error: unknown): boolean {
  return error instanceof UpstreamHttpError && (error.status === 404 || error.status === 400);
}
