import { HttpException } from '@nestjs/common';
import { isRedisUnavailable, RedisUnavailableError } from '../redis/redis-unavailable.error';
import { DomainError, FieldError } from './domain.error';

export const PROBLEM_TYPE_BASE = 'https://techsapo.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details as API.md fixes them. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface Problem {
  code: string;
  status: number;
  headers: Record<string, string>;
  body: ProblemDocument;
  /** True when the error was not one we expected: log it in full, show nothing of it. */
  unexpected: boolean;
}

const GENERIC: Record<number, [code: string, title: string, detail: string]> = {
  400: ['bad-request', 'Bad request', 'The request could not be understood.'],
  401: ['unauthenticated', 'Not authenticated', 'Authentication is required.'],
  403: ['forbidden', 'Forbidden', 'You are not allowed to do this.'],
  404: ['not-found', 'Not found', 'No resource exists at this address.'],
  405: ['method-not-allowed', 'Method not allowed', 'This method is not allowed here.'],
  406: ['not-acceptable', 'Not acceptable', 'No acceptable representation is available.'],
  409: ['conflict', 'Conflict', 'The request conflicts with the current state.'],
  413: ['payload-too-large', 'Payload too large', 'The request body is larger than the limit.'],
  415: ['unsupported-media-type', 'Unsupported media type', 'Send application/json.'],
  429: ['rate-limited', 'Too many requests', 'Too many requests.'],
  500: ['internal-error', 'Internal server error', 'An unexpected error occurred.'],
  502: ['bad-gateway', 'Bad gateway', 'An upstream service failed.'],
  503: ['service-unavailable', 'Service unavailable', 'The service is temporarily unavailable.'],
  504: ['gateway-timeout', 'Gateway timeout', 'An upstream service did not answer in time.'],
};

/** Fastify's own errors raised before a route handler runs (body parsing, limits). */
const FASTIFY_CODES: Record<string, [status: number, code: string, detail: string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [
    413,
    'payload-too-large',
    'The request body is larger than the limit.',
  ],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported-media-type', 'Send application/json.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'bad-request',
    'The Content-Length header does not match the body.',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'malformed-json', 'The JSON body is empty.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed-json', 'The request body is not valid JSON.'],
};

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code;
}

/** Maps anything thrown to the problem the client sees. Internals never leak on 5xx. */
export function toProblem(thrown: unknown, instance: string, requestId: string): Problem {
  // Redis failing over is an expected outage: fail closed with 503, not an internal error.
  const error =
    isRedisUnavailable(thrown) && !(thrown instanceof DomainError)
      ? new RedisUnavailableError()
      : thrown;
  const build = (
    status: number,
    code: string,
    title: string,
    detail: string,
    extra: Partial<ProblemDocument> = {},
    headers: Record<string, string> = {},
    unexpected = false,
  ): Problem => ({
    code,
    status,
    headers,
    unexpected,
    body: { type: problemType(code), title, status, detail, instance, requestId, ...extra },
  });

  if (error instanceof DomainError) {
    const { errors, headers, extensions } = error.options;
    const safeDetail =
      error.status >= 500 ? (GENERIC[error.status]?.[2] ?? GENERIC[500][2]) : error.detail;
    return build(
      error.status,
      error.code,
      error.title,
      safeDetail,
      { ...extensions, ...(errors ? { errors } : {}) },
      headers,
    );
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const [code, title, detail] = GENERIC[status] ?? (status >= 500 ? GENERIC[500] : GENERIC[400]);
    const message = status < 500 ? messageOf(error.getResponse()) : undefined;
    return build(status, code, title, message ?? detail, {}, {}, status >= 500);
  }
  const fastify = fastifyError(error);
  if (fastify) {
    const known = FASTIFY_CODES[fastify.code];
    if (known) return build(known[0], known[1], GENERIC[known[0]][1], known[2]);
    if (fastify.statusCode >= 400 && fastify.statusCode < 500) {
      const [code, title, detail] = GENERIC[fastify.statusCode] ?? GENERIC[400];
      return build(fastify.statusCode, code, title, detail);
    }
  }
  if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
    return build(400, 'malformed-json', GENERIC[400][1], 'The request body is not valid JSON.');
  }
  const [code, title, detail] = GENERIC[500];
  return build(500, code, title, detail, {}, {}, true);
}

function messageOf(response: string | object): string | undefined {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return undefined;
}

function fastifyError(error: unknown): { code: string; statusCode: number } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number')
    return { code, statusCode };
  return undefined;
}
