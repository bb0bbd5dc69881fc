import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import pino, { type Level, type Logger } from 'pino';
import { logShape } from './log-shape';

/** Probes and scrapes: answered without a request line. */
const QUIET_PATHS = /^\/(health|metrics|docs)(\/|$|-json|\?)/;

/**
 * The logger of one request: a child of the app's logger bound to the request (`req`: method,
 * redacted URL, masked address and user agent; `requestId`). It is made on first use, so a
 * request that logs nothing (a probe) makes none.
 */
class RequestLog {
  private readonly startedAt = Date.now();
  private child?: Logger;
  private completed = false;

  constructor(
    private readonly root: Logger,
    private readonly raw: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly requestId: string,
  ) {}

  get logger(): Logger {
    return (this.child ??= this.root.child({ req: this.raw, requestId: this.requestId }));
  }

  /** The request's one completion line; none for a quiet path or below the configured level. */
  complete(): void {
    if (this.completed) return;
    this.completed = true;
    if (QUIET_PATHS.test(this.raw.url ?? '')) return;
    const { res } = this;
    const status = res.statusCode;
    const level: Level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!(this.child ?? this.root).isLevelEnabled(level)) return;
    const responseTime = Date.now() - this.startedAt;
    if (status >= 500) {
      const err = new Error(`failed with status code ${status}`);
      this.logger.error({ res, err, responseTime }, 'request errored');
    } else {
      const ended = !this.raw.readableAborted && res.writableEnded;
      this.logger[level]({ res, responseTime }, ended ? 'request completed' : 'request aborted');
    }
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    requestLog: RequestLog | null;
  }
}

/**
 * The logger for a line written while a request is served: the request's own (its `req` and
 * `requestId` on the line), passed by whoever holds the request. There is no implicit
 * request context: an `AsyncLocalStorage` would turn on Node's promise hooks for the whole
 * process, a record and three calls for every promise of every request. `context` names the
 * writer, as Nest's `Logger` does.
 */
export function requestLogger(request: FastifyRequest, context: string): Logger {
  return (request.requestLog?.logger ?? appLogger()).child({ context });
}

let detached: Logger | undefined;

/** The app's logger; outside an app (a unit under test) one of the same shape on stderr. */
function appLogger(): Logger {
  return (
    (PinoLogger.root as Logger | undefined) ??
    (detached ??= pino(logShape('info', 'json'), pino.destination(2)))
  );
}

/**
 * Request logging as Fastify hooks, for every request including the ones refused before Nest
 * routes them: from `onRequest` on, the request's logger is on the request
 * (`requestLogger(request, context)`); when the response is sent, one `request completed` line
 * (`request errored` on a 5xx, `request aborted` when the client left first) with the status
 * and the time taken, at info, warn from 400, error from 500.
 * Health, metrics and docs requests get no completion line.
 */
export function installRequestLog(fastify: FastifyInstance): void {
  fastify.decorateRequest('requestLog', null);
  fastify.addHook('onRequest', (request, reply, done) => {
    const log = new RequestLog(PinoLogger.root, request.raw, reply.raw, String(request.id));
    request.requestLog = log;
    // A client gone before the answer: the line is written when the connection closes.
    reply.raw.once('close', () => log.complete());
    done();
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    request.requestLog?.complete();
    done();
  });
}
