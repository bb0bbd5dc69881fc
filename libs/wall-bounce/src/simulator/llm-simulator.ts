import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '@techsapo/core';
import { estimateTokens } from '../providers/usage-estimate';
import { replyContent } from './reply-content';
import { requestedOutput } from './requested-output';
import type {
  ReplyOptions,
  RequestedOutput,
  SimulatedCall,
  SimulatorReply,
  SimulatorScript,
  WireProtocol,
} from './simulator.types';
import { type StreamFrame, streamFrames } from './stream-frames';
import { contentText, errorBody, successBody } from './wire-shapes';

/** Larger bodies are refused like the real APIs do (413), without being read further. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface LlmSimulatorOptions {
  /** Default reply function; `scriptFor(model)` overrides it per model. */
  script?: SimulatorScript;
  /** Added before every reply that does not set its own latency. */
  latencyMs?: number;
  /** When set, requests must carry it (Bearer or x-api-key) or get 401. */
  apiKey?: string;
  /** Pause between the chunks of a streamed reply that does not set its own. */
  chunkDelayMs?: number;
  /**
   * How many of the latest calls `calls` keeps; all of them when absent (a test's fake
   * providers). A long-running process keeps a few: every call holds its prompts.
   */
  keepCalls?: number;
}

/**
 * A local server speaking the OpenAI chat-completions and Anthropic messages wire protocols
 * (JSON bodies and event streams, structured output through response_format and forced
 * tools, usage, error shapes and status codes, retry-after, latency), driven by a script. Development runs it in place of real providers; the tests use it as their fake
 * providers, always through the real SDKs.
 */
export class LlmSimulator {
  /** The calls received, oldest first (the latest `keepCalls` of them when that is set). */
  readonly calls: SimulatedCall[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly scripts = new Map<string, SimulatorScript>();
  private readonly counts = new Map<string, number>();
  private script: SimulatorScript;
  latencyMs: number;
  chunkDelayMs: number;
  private address?: AddressInfo;

  constructor(private readonly options: LlmSimulatorOptions = {}) {
    this.script = options.script ?? (() => ({ text: 'OK' }));
    this.latencyMs = options.latencyMs ?? 0;
    this.chunkDelayMs = options.chunkDelayMs ?? 0;
    this.server = createServer((req, res) => void this.handle(req, res));
    // Idle connections stay open a minute, as the providers' do. With Node's 5 s default, a
    // client reusing a pooled connection just as the server drops it (a busy event loop delays
    // the client's own expiry) gets ECONNRESET: a network failure no provider would cause.
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on loopback only; port 0 = any free port. Resolves with the base URL. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    this.address = this.server.address() as AddressInfo;
    return this.url;
  }

  get url(): string {
    if (!this.address) throw new Error('the simulator is not started');
    const host =
      this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `http://${host}:${this.address.port}`;
  }

  setScript(script: SimulatorScript): void {
    this.script = script;
  }

  /** Replies for one model (the `model` field of the request). */
  scriptFor(model: string, script: SimulatorScript): void {
    this.scripts.set(model, script);
  }

  callsFor(model: string): SimulatedCall[] {
    return this.calls.filter((c) => c.model === model);
  }

  reset(): void {
    this.calls.length = 0;
    this.counts.clear();
    this.scripts.clear();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const protocol: WireProtocol | undefined = path.endsWith('/chat/completions')
      ? 'openai'
      : path.endsWith('/messages')
        ? 'anthropic'
        : undefined;
    if (req.method !== 'POST' || !protocol) {
      return send(res, 404, errorBody(protocol ?? 'openai', 404, `no route ${req.method} ${path}`));
    }
    if (this.options.apiKey && keyOf(req, protocol) !== this.options.apiKey) {
      return send(res, 401, errorBody(protocol, 401, 'invalid api key'));
    }
    const raw = await readBody(req);
    if (raw === undefined) return send(res, 413, errorBody(protocol, 413, 'request too large'));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return send(res, 400, errorBody(protocol, 400, 'the body is not JSON'));
    }
    const ask = requestedOutput(protocol, body);
    const call = this.toCall(
      protocol,
      path,
      body,
      raw.length,
      'output' in ask ? ask.output : undefined,
    );
    if (!call) return send(res, 400, errorBody(protocol, 400, 'model and messages are required'));
    this.record(call);
    if ('problem' in ask) {
      const { message, ...detail } = ask.problem;
      return send(res, 400, errorBody(protocol, 400, message, detail));
    }
    let reply: SimulatorReply;
    try {
      reply = await (this.scripts.get(call.model) ?? this.script)(call);
    } catch (error) {
      reply = { error: 500, message: `script failed: ${describeError(error)}` };
    }
    if ('hang' in reply) return; // the client's timeout (or close()) ends it
    const latency = reply.latencyMs ?? this.latencyMs;
    if (latency > 0) await sleep(latency);
    if (res.destroyed) return;
    if ('raw' in reply) {
      res.writeHead(reply.status ?? 200, {
        'content-type': reply.contentType ?? 'application/json',
      });
      res.end(reply.raw);
      return;
    }
    if ('error' in reply) {
      const headers: Record<string, string> =
        reply.retryAfterSeconds !== undefined
          ? { 'retry-after': String(reply.retryAfterSeconds) }
          : {};
      return send(
        res,
        reply.error,
        errorBody(protocol, reply.error, reply.message ?? `error ${reply.error}`),
        headers,
      );
    }
    const content = replyContent(call, reply);
    if ('mismatch' in content) return send(res, 500, errorBody(protocol, 500, content.mismatch));
    const usage = reply.omitUsage
      ? undefined
      : {
          inputTokens:
            reply.inputTokens ??
            estimateTokens(call.system + call.messages.map((m) => m.content).join('')),
          outputTokens: reply.outputTokens ?? estimateTokens(contentText(content)),
        };
    if (call.stream) {
      const frames = streamFrames(protocol, call.model, content, usage, call.streamUsage);
      return writeStream(res, frames, reply.chunkDelayMs ?? this.chunkDelayMs, reply.interrupt);
    }
    send(res, 200, successBody(protocol, call.model, content, usage), {}, reply.interrupt);
  }

  private record(call: SimulatedCall): void {
    this.calls.push(call);
    const keep = this.options.keepCalls;
    if (keep !== undefined && this.calls.length > keep)
      this.calls.splice(0, this.calls.length - keep);
  }

  private toCall(
    protocol: WireProtocol,
    path: string,
    body: Record<string, unknown>,
    bodyBytes: number,
    output: RequestedOutput | undefined,
  ): SimulatedCall | undefined {
    if (typeof body.model !== 'string' || !Array.isArray(body.messages)) return undefined;
    const messages = (body.messages as { role?: unknown; content?: unknown }[]).map((m) => ({
      role: String(m.role),
      content: textOf(m.content),
    }));
    const system =
      protocol === 'anthropic'
        ? textOf(body.system)
        : messages
            .filter((m) => m.role === 'system' || m.role === 'developer')
            .map((m) => m.content)
            .join('\n');
    const conversation = messages.filter((m) => m.role !== 'system' && m.role !== 'developer');
    const sequence = (this.counts.get(body.model) ?? 0) + 1;
    this.counts.set(body.model, sequence);
    const maxTokens = body.max_tokens ?? body.max_completion_tokens;
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    return {
      protocol,
      path,
      model: body.model,
      system,
      messages: conversation,
      prompt: [...conversation].reverse().find((m) => m.role === 'user')?.content ?? '',
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      sequence,
      bodyBytes,
      ...(output ? { output } : {}),
      stream: body.stream === true,
      streamUsage: streamOptions?.include_usage === true,
    };
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
      .join('');
  }
  return '';
}

function keyOf(req: IncomingMessage, protocol: WireProtocol): string | undefined {
  if (protocol === 'anthropic') {
    const key = req.headers['x-api-key'];
    return typeof key === 'string' ? key : undefined;
  }
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  interrupt?: ReplyOptions['interrupt'],
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': requestId(),
    ...headers,
  });
  if (!interrupt) {
    res.end(text);
    return;
  }
  // Half the body, then silence or a dropped connection.
  const bytes = Buffer.from(text);
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
  if (interrupt.then === 'close') dropAfterFlush(res);
}

/** Writes the frames, pausing between content chunks; may break off as the reply asks. */
async function writeStream(
  res: ServerResponse,
  frames: StreamFrame[],
  delayMs: number,
  interrupt?: ReplyOptions['interrupt'],
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': requestId(),
  });
  let sent = 0;
  for (const frame of frames) {
    if (res.destroyed) return;
    if (frame.content) {
      if (interrupt && sent >= interrupt.afterChunks) {
        if (interrupt.then === 'close') dropAfterFlush(res);
        return;
      }
      if (sent > 0 && delayMs > 0) await sleep(delayMs);
      if (res.destroyed) return;
      sent += 1;
    }
    res.write(frame.data);
  }
  res.end();
}

/** Closes the connection once what was written has left, before the reply is complete. */
function dropAfterFlush(res: ServerResponse): void {
  res.socket?.destroySoon();
}

function requestId(): string {
  return `req_sim_${Date.now().toString(36)}`;
}
