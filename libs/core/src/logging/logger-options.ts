import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';
import { logShape } from './log-shape';
import { isSensitiveName, maskIp, maskUserAgent, REDACTED } from './redact';

type RawRequest = IncomingMessage & { originalUrl?: string };

/**
 * Structured JSON logs; every line of a request carries its requestId; secrets never reach a
 * line. Requests are logged by Fastify hooks (request-log.ts), so the module's pino-http
 * middleware is mounted on no route: its logger, with these serializers, is the app's logger.
 */
export function loggerParams(app: AppConfig): Params {
  return {
    pinoHttp: {
      ...logShape(app.logLevel, app.logFormat),
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
    forRoutes: [],
  };
}

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) if (isSensitiveName(name)) params.set(name, REDACTED);
  return `${url.slice(0, q)}?${params.toString()}`;
}
