import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';
import { logShape } from './log-shape';
import { isSensitiveName, maskIp, maskUserAgent, REDACTED } from './redact';

type RawRequest = IncomingMessage & { originalUrl?: string };

const QUIET_PATHS = /^\/(health|metrics|docs)(\/|$|-json|\?)/;

/** Structured JSON logs; every line of a request carries its requestId; secrets never reach a line. */
export function loggerParams(app: AppConfig): Params {
  return {
    pinoHttp: {
      ...logShape(app.logLevel, app.logFormat),
      // Fastify assigns the id first (see the HTTP hooks); pino-http reuses it.
      genReqId: (req: IncomingMessage) =>
        (req as IncomingMessage & { id?: string }).id ?? 'unassigned',
      customProps: (req: IncomingMessage) => ({
        requestId: (req as IncomingMessage & { id?: string }).id,
      }),
      autoLogging: {
        ignore: (req: IncomingMessage & { originalUrl?: string }) =>
          QUIET_PATHS.test(req.originalUrl ?? req.url ?? ''),
      },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req: RawRequest & { raw?: RawRequest }) => {
          const raw: RawRequest = req.raw ?? req;
          return {
            method: raw.method,
            url: redactUrl(raw.originalUrl ?? raw.url ?? ''),
            ip: maskIp(raw.socket?.remoteAddress),
            userAgent: maskUserAgent(raw.headers?.['user-agent']),
          };
        },
        res: (res: ServerResponse & { raw?: ServerResponse }) => ({
          statusCode: (res.raw ?? res).statusCode,
        }),
      },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
        censor: REDACTED,
      },
    },
  };
}

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) if (isSensitiveName(name)) params.set(name, REDACTED);
  return `${url.slice(0, q)}?${params.toString()}`;
}
