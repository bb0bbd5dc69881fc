import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createParser } from 'eventsource-parser';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { headerOf, mediaType } from '../http-headers';
import { isRequest, isResponse, readMessage } from '../server/jsonrpc-messages';
import type { GuardedHttp, UpstreamRequest } from './host-policy';

/** An upstream's answer that is not a success: its HTTP status (-1: not an answer we read). */
export class UpstreamHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamHttpError';
  }
}

export interface UpstreamHttpTransportOptions {
  /** The upstream's HTTP client (host policy, redirects); closed with the transport. */
  http: GuardedHttp;
  /** The headers of its MCP_CONFIG entry: the only ones sent besides the protocol's own. */
  headers: Record<string, string>;
  /** The most one answer may hold: a JSON body, or one event of a stream (characters). */
  maxMessageBytes?: number;
  /** The first wait before the notification stream is opened again (doubles, up to 30 s). */
  streamRetryMs?: number;
}

const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
const DEFAULT_STREAM_RETRY_MS = 1000;
const MAX_STREAM_RETRY_MS = 30_000;
/** Opening the notification stream is given up after this many failures in a row. */
const MAX_STREAM_FAILURES = 3;
/** How much of a refusal's body is read for its message. */
const ERROR_TEXT_BYTES = 4096;
const DELETE_TIMEOUT_MS = 1000;
const POST_ACCEPT = 'application/json, text/event-stream';
const PROTOCOL_HEADERS = new Set([
  'mcp-session-id',
  'mcp-protocol-version',
  'accept',
  'content-type',
  'content-length',
  'last-event-id',
]);

/**
 * The client side of MCP's Streamable HTTP transport to one upstream, for the SDK's `Client`
 * (through its `Transport` interface): what the SDK's `StreamableHTTPClientTransport` does for
 * the proxy, on undici's `request` and Node's streams instead of fetch and the Web's streams,
 * and with each message checked against one schema once (`readMessage`).
 *
 * - POST per message, with Mcp-Session-Id (from the initialize answer) and MCP-Protocol-Version
 *   once known. A request's answer is JSON (one message or a batch) or an SSE stream, read
 *   until it ends; a stream that ends without the answer fails the request at once. 202:
 *   accepted, no body. Any other status is an `UpstreamHttpError` with it (404, or 400, for a
 *   session the upstream no longer knows).
 * - GET: the standalone SSE stream for what the upstream sends outside a request (list
 *   changes), opened once the session is initialised, unless the upstream answers 405; opened
 *   again when it ends (1 s, doubling up to 30 s while streams carry nothing), given up after
 *   3 failed opens in a row.
 * - DELETE on close, to end the session (at most 1 s), then every connection is closed.
 * An answer (a JSON body, or one SSE event) over `maxMessageBytes` (8 MiB) is cut off.
 * Resumption (Last-Event-ID) and OAuth are not spoken: MCP_CONFIG gives static headers only.
 */
export class UpstreamHttpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private session?: string;
  private protocolVersion?: string;
  private readonly staticHeaders: Record<string, string> = {};
  private readonly aborter = new AbortController();
  private readonly maxMessageBytes: number;
  private started = false;
  private closed = false;
  private streamTimer?: NodeJS.Timeout;
  private readonly firstStreamRetryMs: number;
  private streamRetryMs: number;
  private streamFailures = 0;

  constructor(
    private readonly url: string,
    private readonly options: UpstreamHttpTransportOptions,
  ) {
    // The protocol's own headers are the transport's alone; the others are sent lower-cased.
    for (const [name, value] of Object.entries(options.headers))
      if (!PROTOCOL_HEADERS.has(name.toLowerCase())) this.staticHeaders[name.toLowerCase()] = value;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.firstStreamRetryMs = options.streamRetryMs ?? DEFAULT_STREAM_RETRY_MS;
    this.streamRetryMs = this.firstStreamRetryMs;
  }

  get sessionId(): string | undefined {
    return this.session;
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('UpstreamHttpTransport already started');
    this.started = true;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    try {
      await this.post(message);
    } catch (error) {
      this.onerror?.(error as Error);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.streamTimer);
    this.aborter.abort();
    if (this.session !== undefined)
      await this.request({
        method: 'DELETE',
        headers: this.headers({}),
        signal: AbortSignal.timeout(DELETE_TIMEOUT_MS),
      }).then(
        (response) => response.body.dump(),
        () => undefined,
      );
    await this.options.http.close().catch(() => undefined);
    this.onclose?.();
  }

  private async post(message: JSONRPCMessage): Promise<void> {
    const response = await this.request({
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json', accept: POST_ACCEPT }),
      body: JSON.stringify(message),
      signal: this.aborter.signal,
    });
    const { statusCode: status, body, headers } = response;
    const session = headerOf(headers, 'mcp-session-id');
    if (session) this.session = session;
    if (status < 200 || status >= 300) {
      const text = await readText(body, ERROR_TEXT_BYTES).catch(() => '');
      throw new UpstreamHttpError(
        status,
        `HTTP ${status} from the upstream: ${text.slice(0, 200)}`,
      );
    }
    if (status === 202 || !isRequest(message)) {
      await body.dump();
      // The session is open: its own stream may now carry what is sent outside a request.
      if (status === 202 && 'method' in message && message.method === 'notifications/initialized')
        this.openStream();
      return;
    }
    const type = mediaType(headerOf(headers, 'content-type'));
    if (type === 'application/json') return this.receiveJson(body);
    if (type === 'text/event-stream') {
      let answered = false;
      await this.readEvents(body, (answer) => {
        if (isResponse(answer) && (answer as { id?: unknown }).id === message.id) answered = true;
        this.onmessage?.(answer);
      });
      if (!answered)
        throw new UpstreamHttpError(-1, 'the upstream ended its answer stream without answering');
      return;
    }
    discard(body);
    throw new UpstreamHttpError(-1, `unexpected content type from the upstream: ${type}`);
  }

  private async receiveJson(body: Readable): Promise<void> {
    const text = await readText(body, this.maxMessageBytes);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UpstreamHttpError(-1, 'the upstream answered with malformed JSON');
    }
    const messages: (JSONRPCMessage | undefined)[] = Array.isArray(parsed)
      ? parsed.map(readMessage)
      : [readMessage(parsed)];
    if (messages.some((m) => m === undefined))
      throw new UpstreamHttpError(-1, 'the upstream answered with something other than JSON-RPC');
    for (const message of messages) this.onmessage?.(message as JSONRPCMessage);
  }

  /** The standalone SSE stream; opened again when it ends, as the class comment says. */
  private openStream(): void {
    if (this.closed) return;
    this.listen().then(
      (offered) => {
        if (!offered) return;
        this.streamFailures = 0;
        this.reopenStream();
      },
      (error: Error) => {
        if (this.closed) return;
        this.onerror?.(error);
        this.streamFailures += 1;
        if (this.streamFailures < MAX_STREAM_FAILURES) this.reopenStream();
      },
    );
  }

  private reopenStream(): void {
    if (this.closed) return;
    this.streamTimer = setTimeout(() => this.openStream(), this.streamRetryMs);
    this.streamTimer.unref();
    this.streamRetryMs = Math.min(this.streamRetryMs * 2, MAX_STREAM_RETRY_MS);
  }

  /** Reads the stream until it ends; false: the upstream offers none (405). */
  private async listen(): Promise<boolean> {
    const response = await this.request({
      method: 'GET',
      headers: this.headers({ accept: 'text/event-stream' }),
      signal: this.aborter.signal,
      bodyTimeout: 0,
    });
    const { statusCode: status, body, headers } = response;
    if (status === 405) {
      await body.dump();
      return false;
    }
    if (status !== 200 || mediaType(headerOf(headers, 'content-type')) !== 'text/event-stream') {
      discard(body);
      throw new UpstreamHttpError(status, `HTTP ${status}: the upstream's stream did not open`);
    }
    await this.readEvents(body, (message) => {
      // A stream that carries something is worth reopening soon.
      this.streamRetryMs = this.firstStreamRetryMs;
      this.onmessage?.(message);
    });
    return true;
  }

  /** Each `message` event's JSON-RPC message, in order, until the stream ends. */
  private readEvents(body: Readable, deliver: (message: JSONRPCMessage) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const decoder = new StringDecoder('utf8');
      const oversize = () =>
        body.destroy(
          new UpstreamHttpError(-1, `an event from the upstream over ${this.maxMessageBytes}`),
        );
      // The parser bounds what it keeps between chunks; an event read whole is checked here.
      const parser = createParser({
        maxBufferSize: this.maxMessageBytes,
        onEvent: (event) => {
          if (event.data.length > this.maxMessageBytes) return oversize();
          if (!event.data || (event.event && event.event !== 'message')) return;
          const message = parseMessage(event.data);
          if (message) deliver(message);
          else this.onerror?.(new Error('the upstream sent an event that is not JSON-RPC'));
        },
        onError: (error) => {
          if (error.type === 'max-buffer-size-exceeded') oversize();
        },
      });
      body.on('data', (chunk: Buffer) => {
        if (!body.destroyed) parser.feed(decoder.write(chunk));
      });
      body.once('end', () => {
        parser.feed(decoder.end());
        resolve();
      });
      body.once('error', reject);
      body.once('close', () => {
        if (!body.readableEnded) reject(new UpstreamHttpError(-1, 'the upstream stream was cut'));
      });
    });
  }

  private request(init: UpstreamRequest) {
    return this.options.http.request(this.url, init);
  }

  private headers(own: Record<string, string>): Record<string, string> {
    const headers = { ...this.staticHeaders, ...own };
    if (this.session !== undefined) headers['mcp-session-id'] = this.session;
    if (this.protocolVersion !== undefined) headers['mcp-protocol-version'] = this.protocolVersion;
    return headers;
  }
}

/** Drops a body not to be read (undici reports its end as an abort, heard here). */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

function parseMessage(data: string): JSONRPCMessage | undefined {
  try {
    return readMessage(JSON.parse(data));
  } catch {
    return undefined;
  }
}

/** The body as text, refused (and the body cut off) past `max` bytes. */
function readText(body: Readable, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max)
        return body.destroy(new UpstreamHttpError(-1, `an answer from the upstream over ${max}`));
      chunks.push(chunk);
    });
    body.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    body.once('error', reject);
    body.once('close', () => {
      if (!body.readableEnded) reject(new UpstreamHttpError(-1, 'the upstream answer was cut'));
    });
  });
}
