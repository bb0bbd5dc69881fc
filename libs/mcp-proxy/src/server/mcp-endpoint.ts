import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { describeError, requestLogger } from '@techsapo/core';
import { activityDue, RateLimitProfiles, TokenCallerReads } from '@techsapo/security';
import type { Principal } from '@techsapo/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mcpConfig } from '../config/mcp.config';
import { McpRequestRefusedError, McpSessionNotFoundError } from '../errors/mcp.errors';
import type { CallContext } from '../proxy/call-context';
import { LocalTools } from '../local/local-tools';
import { ToolCatalog } from '../policy/tool-catalog';
import { McpContentService } from '../proxy/mcp-content.service';
import { McpProxyService } from '../proxy/mcp-proxy.service';
import { McpSessionRegistry } from '../session/mcp-session-registry';
import { McpHttpTransport } from './mcp-http-transport';
import { CONTEXT_KEY, createToolServer, ToolListAnswers } from './mcp-tool-server';
import { isInitializeRequest, useKeyFirstTypeGuards } from './sdk-type-guards';

/** A session liveness read started for a request before authentication finished (readEarly). */
interface EarlyRead {
  principalId: string;
  sessionId: string;
  live: Promise<boolean>;
}

interface LiveSession {
  id: string;
  principalId: string;
  server: Server;
  transport: McpHttpTransport;
  lastSeen: number;
  /** When this instance last recorded the session's activity in the registry. */
  recordedAt: number;
}

const SESSION_HEADER = 'mcp-session-id';
/** The endpoint's route, as the app's controller declares it. */
const MCP_PATH = '/mcp';
/** The rate-limit profile of /mcp (the route declares it; its windows are MCP_RATE_LIMIT_*). */
export const MCP_RATE_LIMIT_PROFILE = 'mcp';
const SWEEP_INTERVAL_MS = 30_000;

/**
 * `POST|GET|DELETE /mcp`: MCP's Streamable HTTP transport (McpHttpTransport, fed the body the
 * route parsed), one SDK MCP server and transport per client session, kept in this process
 * (clients must reach the same instance: see docs/mcp-proxy.md on stickiness). A session belongs to the principal that opened it —
 * anyone else gets 404, as for an unknown id — counts against the per-user session limit and
 * ends after the idle timeout. Host and Origin are checked on every request (DNS rebinding).
 */
@Injectable()
export class McpEndpoint implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(McpEndpoint.name);
  private readonly sessions = new Map<string, LiveSession>();
  private readonly earlyReads = new WeakMap<FastifyRequest, EarlyRead>();
  private readonly toolLists = new ToolListAnswers();
  private sweeper?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly proxy: McpProxyService,
    private readonly content: McpContentService,
    private readonly local: LocalTools,
    private readonly catalog: ToolCatalog,
    private readonly rateLimits: RateLimitProfiles,
    private readonly registry: McpSessionRegistry,
    private readonly callerReads: TokenCallerReads,
    @Inject(mcpConfig.factory.KEY) private readonly config: ConfigType<typeof mcpConfig.factory>,
  ) {}

  onModuleInit(): void {
    if (!useKeyFirstTypeGuards())
      this.logger.warn(
        'The MCP SDK types cannot be patched: each MCP message pays failing schema parses.',
      );
    const limits = this.config.rateLimit;
    this.rateLimits.register(MCP_RATE_LIMIT_PROFILE, [
      { name: 'burst', ttlMs: 1000, limit: limits.burst },
      { name: 'minute', ttlMs: 60_000, limit: limits.perMinute },
      { name: 'hour', ttlMs: 3_600_000, limit: limits.perHour },
    ]);
    this.callerReads.register((request, callerId) => this.readEarly(request, callerId));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    // Clients that keep the session's SSE stream open hear when what is exposed changes.
    this.unsubscribe = this.catalog.onChange(() => {
      for (const live of this.sessions.values()) {
        void live.server.sendToolListChanged().catch(() => undefined);
        void live.server.sendResourceListChanged().catch(() => undefined);
        void live.server.sendPromptListChanged().catch(() => undefined);
      }
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    this.unsubscribe?.();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => this.end(s)));
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  async handle(request: FastifyRequest, reply: FastifyReply, principal: Principal): Promise<void> {
    this.assertOrigin(request);
    const sessionId = headerOf(request, SESSION_HEADER);
    let live: LiveSession | undefined;
    if (sessionId) {
      live = this.sessions.get(sessionId);
      if (!live || live.principalId !== principal.id) throw new McpSessionNotFoundError();
      if (!(await this.touched(request, live))) {
        await this.end(live);
        throw new McpSessionNotFoundError();
      }
      live.lastSeen = Date.now();
    } else if (request.method === 'POST' && isInitializeRequest(request.body)) {
      live = await this.open(principal);
    } else {
      throw new McpRequestRefusedError(
        'mcp-bad-request',
        'Send an initialize request first, then the Mcp-Session-Id header it returns.',
        400,
      );
    }
    const ctx: CallContext = {
      principal,
      requestId: request.state.requestId,
      ip: request.ip,
      userAgent: headerOf(request, 'user-agent'),
      method: request.method,
      path: MCP_PATH,
      mcpSessionId: live.id,
      via: 'mcp',
      upstreamMs: 0,
    };
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value as string | string[]);
    }
    try {
      await live.transport.handle(
        {
          method: request.method,
          headers: request.headers,
          body: request.body,
          // The token stays here: the SDK sees only the context, never the caller's credentials.
          authInfo: {
            token: '',
            clientId: principal.id,
            scopes: [],
            extra: { [CONTEXT_KEY]: ctx },
          },
        },
        reply.raw,
      );
    } catch (error) {
      requestLogger(request, McpEndpoint.name).warn(`MCP request failed: ${describeError(error)}`);
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(
          JSON.stringify({
            jsonrpc: '2.0',
            error: { code: -32603, message: 'Internal error' },
            id: null,
          }),
        );
      }
    } finally {
      request.state.upstreamMs += ctx.upstreamMs ?? 0;
    }
  }

  /**
   * For a token's caller, the session's liveness read leaves with the pipeline's Redis reads
   * (one round trip with the rate limiter's counters and the login session check), when the
   * request names a session that lives here and is the caller's. It only reads: a request
   * refused on the way (401, 403, 429) records no activity. Authentication still decides the
   * request; `handle` takes the answer only for the principal it authenticated.
   */
  private readEarly(request: FastifyRequest, callerId: string): void {
    if (request.routeOptions?.url !== MCP_PATH) return;
    const sessionId = headerOf(request, SESSION_HEADER);
    if (!sessionId || this.sessions.get(sessionId)?.principalId !== callerId) return;
    const live = this.registry.isLive(callerId, sessionId);
    // A request refused before the handler never asks for the answer: not unhandled.
    live.catch(() => undefined);
    this.earlyReads.set(request, { principalId: callerId, sessionId, live });
  }

  /**
   * Records the activity of a request the pipeline accepted; false when the session has ended.
   * With a liveness read made early for this principal, the write goes out without being
   * waited for, at most once a second (`activityDue`: a busy session does not write on every
   * call); a session ended meanwhile is not brought back: the touch only updates.
   */
  private async touched(request: FastifyRequest, live: LiveSession): Promise<boolean> {
    const { principalId, id } = live;
    const now = Date.now();
    const early = this.earlyReads.get(request);
    if (early?.principalId !== principalId || early.sessionId !== id) {
      live.recordedAt = now;
      return this.registry.touch(principalId, id);
    }
    if (!(await early.live)) return false;
    if (!activityDue(live.recordedAt, now, this.config.sessionIdleSeconds * 1000)) return true;
    live.recordedAt = now;
    this.registry.touch(principalId, id).catch((error: unknown) => {
      requestLogger(request, McpEndpoint.name).warn(
        `MCP session activity not recorded: ${describeError(error)}`,
      );
    });
    return true;
  }

  private async open(principal: Principal): Promise<LiveSession> {
    const server = createToolServer(this.proxy, this.content, this.local, this.toolLists);
    const now = Date.now();
    const live = {
      principalId: principal.id,
      server,
      lastSeen: now,
      recordedAt: now,
    } as LiveSession;
    live.transport = new McpHttpTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: async (id) => {
        live.id = id;
        this.sessions.set(id, live);
        const pushedOut = await this.registry.open(principal.id, id);
        for (const old of pushedOut) {
          const session = this.sessions.get(old);
          if (session) await this.end(session);
        }
      },
    });
    live.transport.onclose = () => {
      if (live.id && this.sessions.get(live.id) === live) {
        this.sessions.delete(live.id);
        void this.registry.close(principal.id, live.id).catch(() => undefined);
      }
    };
    await server.connect(live.transport);
    live.id = '';
    return live;
  }

  private async end(live: LiveSession): Promise<void> {
    this.sessions.delete(live.id);
    await this.registry.close(live.principalId, live.id).catch(() => undefined);
    await live.server.close().catch(() => undefined);
  }

  private sweep(): void {
    const limit = Date.now() - this.config.sessionIdleSeconds * 1000;
    for (const live of this.sessions.values()) {
      if (live.lastSeen < limit) void this.end(live);
    }
  }

  private assertOrigin(request: FastifyRequest): void {
    const host = headerOf(request, 'host');
    let hostname: string | undefined;
    try {
      hostname = host ? new URL(`http://${host}`).hostname.toLowerCase() : undefined;
    } catch {
      hostname = undefined;
    }
    if (!hostname || !this.config.allowedHosts.includes(hostname))
      throw new McpRequestRefusedError(
        'mcp-host-not-allowed',
        'The Host header is not one this endpoint serves.',
      );
    const origin = headerOf(request, 'origin');
    if (origin !== undefined && !this.config.allowedOrigins.includes(origin))
      throw new McpRequestRefusedError(
        'mcp-origin-not-allowed',
        'The Origin is not allowed to use this endpoint.',
      );
  }
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
