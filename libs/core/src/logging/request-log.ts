import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { storage, type Store } from 'nestjs-pino/storage';
import type { Level, Logger } from 'pino';

/** Probes and scrapes: answered without a request line. */
const QUIET_PATHS = /^\/(health|metrics|docs)(\/|$|-json|\?)/;

/**
 * The logger of one request: a child of the app's logger bound to the request (`req`: method,
 * redacted URL, masked address and user agent; `requestId`). It is made on first use, so a
 * request that logs nothing (a probe) makes none.
 */
class RequestLog implements Store {
  readonly startedAt = Date.now();
  readonly responseLogger = undefined;
  private child?: Logger;

  constructor(
    private readonly root: Logger,
    private readonly raw: IncomingMessage,
    private readonly requestId: string,
  ) {}

  get logger(): Logger {
    return (this.child ??= this.root.child({ req: this.raw, requestId: this.requestId }));
  }

  enabled(level: Level): boolean {
    return (this.child ?? this.root).isLevelEnabled(level);
  }

  /** nestjs-pino's `PinoLogger.assign` replaces it with a child carrying more fields. */
  set logger(logger: Logger) {
    this.child = logger;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    requestLog: RequestLog | null;
  }
}

/**
 * Request logging as Fastify hooks, for every request including the ones refused before Nest
 * routes them: from `onRequest` on, the app's loggers (Nest's `Logger`, nestjs-pino's
 * `PinoLogger`) write through the request's logger, so every line carries its `req` and
 * `requestId`; when the response is sent, one `request completed` line (`request errored` on a
 * 5xx) with the status and the time taken, at info, warn from 400, error from 500.
 * Health, metrics and docs requests get no completion line.
 */
export function installRequestLog(fastify: FastifyInstance): void {
  fastify.decorateRequest('requestLog', null);
  fastify.addHook('onRequest', (request, _reply, done) => {
    request.requestLog = new RequestLog(PinoLogger.root, request.raw, String(request.id));
    storage.run(request.requestLog, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const log = request.requestLog;
    if (log && !QUIET_PATHS.test(request.raw.url ?? '')) logCompletion(log, reply.raw);
    done();
  });
}

function logCompletion(log: RequestLog, res: ServerResponse): void {
  const status = res.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  // Below the configured level the line is not made, nor the request's logger for it.
  if (!log.enabled(level)) return;
  const responseTime = Date.now() - log.startedAt;
  if (status >= 500) {
    const err = new Error(`failed with status code ${status}`);
    log.logger.error({ res, err, responseTime }, 'request errored');
  } else {
    log.logger[level]({ res, responseTime }, 'request completed');
  }
}
