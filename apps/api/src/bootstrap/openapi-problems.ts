import type { OpenAPIObject } from '@nestjs/swagger';
import { OPENAI_BASE } from '../openai/openai-error';
import { PROBLEM_EXAMPLES, REQUEST_EXAMPLES } from './openapi-examples';

type Response = { content?: unknown; description?: string; headers?: Record<string, unknown> };
type Operation = {
  responses?: Record<string, Response>;
  security?: unknown[];
  requestBody?: { content?: Record<string, { example?: unknown }> };
};

const header = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** Response headers the app sends, declared once and referred to by the responses that carry them. */
const HEADERS: Record<string, { description: string; schema: Record<string, unknown> }> = {
  'Retry-After': {
    description: 'Seconds to wait before trying again (RFC 9110).',
    schema: { type: 'integer', minimum: 1, example: 50 },
  },
  'WWW-Authenticate': {
    description: 'The authentication scheme to use (RFC 9110).',
    schema: { type: 'string', example: 'Bearer realm="techsapo"' },
  },
  Location: {
    description: 'The address of the created resource.',
    schema: { type: 'string', example: '/api/v1/analyses/an_01JD3Q5W8Z4X2M7K9P6R1T0V3B' },
  },
  'RateLimit-Limit': {
    description: 'Requests allowed in the window closest to its limit.',
    schema: { type: 'integer', example: 60 },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in that window.',
    schema: { type: 'integer', example: 59 },
  },
  'RateLimit-Reset': {
    description: 'Seconds until that window resets.',
    schema: { type: 'integer', example: 60 },
  },
  'RateLimit-Policy': {
    description: 'Every window in force: limit;w=seconds, comma-separated.',
    schema: { type: 'string', example: '10;w=1, 60;w=60, 1000;w=3600' },
  },
};
const RATE_LIMIT_HEADERS = [
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
];
/** Refused before the rate-limit guard runs (body parsing), so without RateLimit-* headers. */
const BEFORE_GUARDS = new Set(['413', '415']);
/** Routes under /api are rate limited (health and metrics opt out with @SkipThrottle). */
const rateLimited = (path: string) => path.startsWith('/api/');

export const PROBLEM_SCHEMA = 'ProblemDetails';

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json).',
  required: ['type', 'title', 'status', 'detail', 'instance', 'requestId'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      example: 'https://techsapo.dev/problems/validation-failed',
    },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  additionalProperties: true,
};

export const OPENAI_ERROR_SCHEMA = 'OpenAiError';

const openAiErrorSchema = {
  type: 'object',
  description:
    'OpenAI’s error shape, answered by the OpenAI-compatible routes (/v1/…) instead of problem details.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'param', 'code'],
      properties: {
        message: { type: 'string' },
        type: { type: 'string', example: 'invalid_request_error' },
        param: { type: 'string', nullable: true },
        code: { type: 'string', nullable: true, example: 'model_not_found' },
      },
    },
    techsapo: {
      type: 'object',
      additionalProperties: true,
      description: 'The request id and the problem’s own details (e.g. a spent budget).',
    },
  },
};

const DESCRIPTIONS: Record<string, string> = {
  '400': 'Invalid input (field errors listed)',
  '401': 'Not authenticated (WWW-Authenticate)',
  '403': 'Not allowed, or a blocked security pattern',
  '404': 'Not found',
  '413': 'Body too large',
  '415': 'Unsupported media type',
  '429': 'Rate limited or temporarily banned (Retry-After)',
  '500': 'Unexpected error (no internals shown)',
  '503': 'Storage failing over, or not ready (Retry-After)',
};

/**
 * Every operation documents the problems it can answer with, in one place rather than on each
 * route: all may fail with 500, 403 (a blocked security pattern) and 503 (Redis failing over:
 * rate limits, sessions and audit live there); protected ones with 401/429; ones with a body
 * with 400/413/415; ones with a path parameter with 404.
 */
export function addProblemResponses(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[PROBLEM_SCHEMA] = problemSchema;
  document.components.schemas[OPENAI_ERROR_SCHEMA] = openAiErrorSchema;
  document.components.headers = { ...document.components.headers, ...HEADERS };
  const schema = { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` };
  const openAiErrors = {
    'application/json': { schema: { $ref: `#/components/schemas/${OPENAI_ERROR_SCHEMA}` } },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    const openAi = path.startsWith(`${OPENAI_BASE}/`);
    for (const [method, value] of Object.entries(item)) {
      const operation = value as Operation;
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      // Content security may refuse any request (query, path, headers read): 403 everywhere.
      // Every route depends on Redis (rate limits, sessions, audit): 503 while it fails over.
      const codes = ['500', '403', '503'];
      if (operation.security?.length) codes.push('401', '403', '429');
      if (operation.requestBody) codes.push('400', '413', '415');
      if (path.includes('{')) codes.push('404', '400');
      const responses = (operation.responses ??= {});
      // Error responses a route declares itself (409, a public route's 401/429) are problems too.
      for (const code of Object.keys(responses)) if (Number(code) >= 400) codes.push(code);
      for (const code of [...new Set(codes)]) {
        const existing = responses[code];
        // A body a route documents itself (the readiness report on 503) stays as documented.
        responses[code] = {
          description: existing?.description || DESCRIPTIONS[code],
          ...existing,
          content:
            existing?.content ??
            (openAi
              ? openAiErrors
              : { 'application/problem+json': { schema, examples: PROBLEM_EXAMPLES[code] } }),
        };
      }
      declareHeaders(path, responses);
      const example = REQUEST_EXAMPLES[`${method.toUpperCase()} ${path}`];
      const json = operation.requestBody?.content?.['application/json'];
      if (json && example !== undefined) json.example = example;
    }
  }
  return document;
}

function declareHeaders(path: string, responses: Record<string, Response>): void {
  for (const [code, response] of Object.entries(responses)) {
    const names: string[] = [];
    if (code === '401') names.push('WWW-Authenticate');
    if (code === '429') names.push('Retry-After');
    if (rateLimited(path) && !BEFORE_GUARDS.has(code)) names.push(...RATE_LIMIT_HEADERS);
    if (names.length === 0) continue;
    response.headers = {
      ...Object.fromEntries(names.map((name) => [name, header(name)])),
      ...response.headers,
    };
  }
}
