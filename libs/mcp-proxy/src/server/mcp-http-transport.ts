import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type {
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { headerOf, mediaType } from '../http-headers';
import { isRequest, isResponse, readMessage, serialise } from './jsonrpc-messages';
import { isInitializeRequest } from './sdk-type-guards';

/** One HTTP request to /mcp, its body already parsed as JSON by the server. */
export interface McpHttpRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  authInfo?: AuthInfo;
}

export interface McpHttpTransportOptions {
  sessionIdGenerator: () => string;
  /** Awaited before the initialize request is handed to the server. */
  onsessioninitialized?: (sessionId: string) => Promise<void> | void;
  /** Between SSE comment frames on the GET stream, so that idle proxies keep it. */
  keepAliveMs?: number;
}

/** A POST's requests, answered together once each has its response. */
interface Exchange {
  ids: RequestId[];
  responses: Map<RequestId, JSONRPCMessage>;
  response: ServerResponse;
  done: () => void;
}

/** As the SDK's transport: the JSON-RPC batch size it accepts. */
const MAX_BATCH_SIZE = 100;
const DEFAULT_KEEP_ALIVE_MS = 15_000;
const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * The server side of MCP's Streamable HTTP transport for one session, for a server (the SDK's
 * `Server`, through its `Transport` interface) behind a route that has already parsed the body
 * and answers on Node's response: what the SDK's `StreamableHTTPServerTransport` does in JSON
 * response mode, without its conversion of each request and response to and from the Web's
 * Request and Response, and with each message checked against one schema once.
 *
 * - POST: Accept must list application/json and text/event-stream (406), Content-Type must be
 *   application/json (415), the body a JSON-RPC message or a batch of at most 100 (400).
 *   Initialize opens the session (once, alone in its POST) and answers with Mcp-Session-Id;
 *   any other POST must carry that id (400 without, 404 another) and, if it names one, a
 *   supported MCP-Protocol-Version (400). Notifications and responses only: 202. Requests:
 *   one JSON answer (an array for a batch) once every request has its response.
 * - GET: the session's SSE stream (Accept must list text/event-stream; one at a time, 409),
 *   carrying what the server sends outside any request (progress, list changes).
 * - DELETE: ends the session (200).
 * Errors of the transport itself are JSON-RPC errors without an id, as the SDK answers them.
 */
export class McpHttpTransport implements Transport {
  sessionId?: string;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private initialized = false;
  private closed = false;
  private readonly exchanges = new Map<RequestId, Exchange>();
  private stream?: { response: ServerResponse; keepAlive?: NodeJS.Timeout };

  constructor(private readonly options: McpHttpTransportOptions) {}

  async start(): Promise<void> {}

  /** Answers one HTTP request; settles once its response is written or the client left. */
  async handle(request: McpHttpRequest, response: ServerResponse): Promise<void> {
    if (this.closed) return answerError(response, 404, -32001, 'Session not found');
    switch (request.method) {
      case 'POST':
        return this.post(request, response);
      case 'GET':
        return this.openStream(request, response);
      case 'DELETE':
        return this.delete(request, response);
      default:
        return answerError(response, 405, -32000, 'Method not allowed.', {
          allow: 'GET, POST, DELETE',
        });
    }
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const response = isResponse(message);
    const requestId = response ? (message as { id?: RequestId }).id : options?.relatedRequestId;
    if (requestId === undefined) {
      if (response)
        throw new Error('Cannot send a response on a standalone SSE stream unless resuming');
      this.writeEvent(message);
      return;
    }
    const exchange = this.exchanges.get(requestId);
    if (!exchange) throw new Error(`No connection established for request ID: ${requestId}`);
    // JSON answers carry no notifications: what belongs to a request travels with its answer.
    if (!response) return;
    exchange.responses.set(requestId, message);
    if (exchange.responses.size < exchange.ids.length) return;
    for (const id of exchange.ids) this.exchanges.delete(id);
    const answers = exchange.ids.map((id) => exchange.responses.get(id) as JSONRPCMessage);
    const body =
      answers.length === 1 ? serialise(answers[0]) : `[${answers.map(serialise).join(',')}]`;
    this.answer(exchange.response, 200, body);
    exchange.done();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.endStream();
    // The server drops the requests still running when its transport closes: their POSTs
    // hear that the session ended rather than wait for an answer that will not come.
    const pending = new Set(this.exchanges.values());
    this.exchanges.clear();
    for (const exchange of pending) {
      answerError(exchange.response, 404, -32001, 'Session not found');
      exchange.done();
    }
    this.onclose?.();
  }

  private async post(request: McpHttpRequest, response: ServerResponse): Promise<void> {
    const accept = headerOf(request.headers, 'accept');
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream'))
      return this.refuse(
        response,
        406,
        -32000,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
      );
    if (mediaType(headerOf(request.headers, 'content-type')) !== 'application/json')
      return this.refuse(
        response,
        415,
        -32000,
        'Unsupported Media Type: Content-Type must be application/json',
      );
    const batch = Array.isArray(request.body);
    const raw: unknown[] = batch ? (request.body as unknown[]) : [request.body];
    if (raw.length > MAX_BATCH_SIZE)
      return this.refuse(
        response,
        400,
        -32600,
        `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`,
      );
    const messages: JSONRPCMessage[] = [];
    for (const value of raw) {
      const message = readMessage(value);
      if (!message)
        return this.refuse(response, 400, -32700, 'Parse error: Invalid JSON-RPC message');
      messages.push(message);
    }
    if (messages.some(isInitializeRequest)) {
      if (this.initialized)
        return this.refuse(response, 400, -32600, 'Invalid Request: Server already initialized');
      if (messages.length > 1)
        return this.refuse(
          response,
          400,
          -32600,
          'Invalid Request: Only one initialization request is allowed',
        );
      this.sessionId = this.options.sessionIdGenerator();
      this.initialized = true;
      await this.options.onsessioninitialized?.(this.sessionId);
    } else if (!this.validSession(request, response)) return;
    if (this.closed) return answerError(response, 404, -32001, 'Session not found');

    const extra: MessageExtraInfo = {
      authInfo: request.authInfo,
      requestInfo: { headers: request.headers },
    };
    const requests = messages.filter(isRequest);
    if (requests.length === 0) {
      for (const message of messages) this.onmessage?.(message, extra);
      response.writeHead(202).end();
      return;
    }
    return new Promise<void>((resolve) => {
      const exchange: Exchange = {
        ids: requests.map((m) => m.id),
        responses: new Map(),
        response,
        done: resolve,
      };
      for (const id of exchange.ids) this.exchanges.set(id, exchange);
      // A client that leaves before its answer is not waited for; the answer is dropped.
      response.once('close', () => {
        for (const id of exchange.ids)
          if (this.exchanges.get(id) === exchange) this.exchanges.delete(id);
        resolve();
      });
      for (const message of messages) this.onmessage?.(message, extra);
    });
  }

  private async openStream(request: McpHttpRequest, response: ServerResponse): Promise<void> {
    if (!headerOf(request.headers, 'accept')?.includes('text/event-stream'))
      return this.refuse(
        response,
        406,
        -32000,
        'Not Acceptable: Client must accept text/event-stream',
      );
    if (!this.validSession(request, response)) return;
    if (this.stream)
      return this.refuse(
        response,
        409,
        -32000,
        'Conflict: Only one SSE stream is allowed per session',
      );
    response.writeHead(200, { ...SSE_HEADERS, ...this.sessionHeader() });
    response.flushHeaders();
    const stream: { response: ServerResponse; keepAlive?: NodeJS.Timeout } = { response };
    const every = this.options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
    if (every > 0) {
      stream.keepAlive = setInterval(() => response.write(': keepalive\n\n'), every);
      stream.keepAlive.unref();
    }
    this.stream = stream;
    await new Promise<void>((resolve) =>
      response.once('close', () => {
        clearInterval(stream.keepAlive);
        if (this.stream === stream) this.stream = undefined;
        resolve();
      }),
    );
  }

  private async delete(request: McpHttpRequest, response: ServerResponse): Promise<void> {
    if (!this.validSession(request, response)) return;
    response.writeHead(200).end();
    await this.close();
  }

  /** Outside initialize: this session's id and, if named, a protocol version it speaks. */
  private validSession(request: McpHttpRequest, response: ServerResponse): boolean {
    if (!this.initialized) {
      this.refuse(response, 400, -32000, 'Bad Request: Server not initialized');
      return false;
    }
    const sessionId = headerOf(request.headers, 'mcp-session-id');
    if (!sessionId) {
      this.refuse(response, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      return false;
    }
    if (sessionId !== this.sessionId) {
      this.refuse(response, 404, -32001, 'Session not found');
      return false;
    }
    const version = headerOf(request.headers, 'mcp-protocol-version');
    if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      this.refuse(
        response,
        400,
        -32000,
        `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
      );
      return false;
    }
    return true;
  }

  private writeEvent(message: JSONRPCMessage): void {
    const stream = this.stream;
    if (!stream || stream.response.writableEnded || stream.response.destroyed) return;
    stream.response.write(`event: message\ndata: ${serialise(message)}\n\n`);
  }

  private endStream(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    clearInterval(stream.keepAlive);
    stream.response.end();
  }

  private answer(response: ServerResponse, status: number, body: string): void {
    if (response.writableEnded || response.destroyed) return;
    response.writeHead(status, {
      'content-type': 'application/json',
      ...this.sessionHeader(),
    });
    response.end(body);
  }

  private sessionHeader(): OutgoingHttpHeaders {
    return this.sessionId === undefined ? {} : { 'mcp-session-id': this.sessionId };
  }

  private refuse(response: ServerResponse, status: number, code: number, message: string): void {
    this.onerror?.(new Error(message));
    answerError(response, status, code, message);
  }
}

function answerError(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
