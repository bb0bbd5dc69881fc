import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResult,
  ErrorCode,
  McpError,
  Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { describeError } from '@techsapo/core';
import type { UpstreamServer } from '../config/mcp-file';
import { guardedFetch, HostLists, redactUrl } from './host-policy';
import { StdioLauncher } from './stdio-launcher';

export type UpstreamStatus = 'connecting' | 'connected' | 'error' | 'closed';

const CONNECT_TIMEOUT_MS = 15_000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

export class UpstreamTimeoutError extends Error {}

/**
 * One upstream MCP server through the SDK Client: connected at start, reconnected with
 * backoff when it fails, its tool list kept fresh (on `tools/list_changed` and on demand).
 * The Client declares no capabilities (no roots, sampling or elicitation), so an upstream
 * can never ask the proxy's clients for anything.
 */
export class UpstreamConnection {
  status: UpstreamStatus = 'connecting';
  lastError?: string;
  tools: Tool[] = [];
  private client?: Client;
  private retryMs = RETRY_MIN_MS;
  private retryTimer?: NodeJS.Timeout;
  private closing = false;
  private readonly logger: Logger;

  constructor(
    readonly server: UpstreamServer,
    private readonly hosts: HostLists,
    private readonly production: boolean,
    private readonly onToolsChanged: (connection: UpstreamConnection) => void,
  ) {
    this.logger = new Logger(`McpUpstream:${server.name}`);
  }

  get transport(): UpstreamServer['transport'] {
    return this.server.transport;
  }

  async connect(): Promise<void> {
    this.status = 'connecting';
    const client = new Client(
      { name: 'techsapo-mcp-proxy', version: '1.0.0' },
      { capabilities: {} },
    );
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      void this.refresh().catch(() => undefined);
    });
    client.onerror = (error) => this.logger.debug(`transport: ${error.message}`);
    client.onclose = () => {
      if (this.client !== client || this.closing) return;
      this.status = 'error';
      this.lastError = 'connection closed';
      this.client = undefined;
      this.scheduleRetry();
    };
    try {
      await client.connect(this.createTransport(), { timeout: CONNECT_TIMEOUT_MS });
      this.client = client;
      await this.refresh();
      this.status = 'connected';
      this.lastError = undefined;
      this.retryMs = RETRY_MIN_MS;
      this.logger.log(`connected (${this.describe()}), ${this.tools.length} tools`);
    } catch (error) {
      this.status = 'error';
      this.lastError = describeError(error).slice(0, 200);
      this.client = undefined;
      await client.close().catch(() => undefined);
      this.logger.warn(`cannot connect (${this.describe()}): ${this.lastError}`);
      this.scheduleRetry();
    }
  }

  /** Reads the upstream's tools again (every page). */
  async refresh(): Promise<Tool[]> {
    const client = this.client;
    if (!client) return this.tools;
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, {
        timeout: CONNECT_TIMEOUT_MS,
      });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor && tools.length < 10_000);
    const changed = JSON.stringify(tools) !== JSON.stringify(this.tools);
    this.tools = tools;
    if (changed) this.onToolsChanged(this);
    return tools;
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<CallToolResult> {
    const client = this.client;
    if (!client || this.status !== 'connected') throw new Error('not connected');
    try {
      return (await client.callTool({ name, arguments: args }, undefined, {
        timeout: timeoutMs,
        maxTotalTimeout: timeoutMs,
      })) as CallToolResult;
    } catch (error) {
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout)
        throw new UpstreamTimeoutError(error.message);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    this.status = 'closed';
    await this.client?.close().catch(() => undefined);
    this.client = undefined;
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
    return new StreamableHTTPClientTransport(new URL(s.url), {
      requestInit: { headers: { ...s.headers }, redirect: 'manual' },
      fetch: guardedFetch(this.hosts, this.production),
      redirectPolicy: 'follow',
    });
  }

  private describe(): string {
    return this.server.transport === 'stdio'
      ? `stdio ${this.server.command}`
      : `streamable-http ${redactUrl(this.server.url)}`;
  }
}
