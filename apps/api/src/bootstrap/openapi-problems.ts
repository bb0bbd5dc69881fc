import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = {
  responses?: Record<string, unknown>;
  security?: unknown[];
  requestBody?: unknown;
};

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
    status: { type: 'integer', minimum: 400, maximum: 599 },
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
  const content = {
    'application/problem+json': { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` } },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
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
        const existing = responses[code] as { content?: unknown; description?: string } | undefined;
        // A body a route documents itself (the readiness report on 503) stays as documented.
        responses[code] = {
          description: existing?.description || DESCRIPTIONS[code],
          ...existing,
          content: existing?.content ?? content,
        };
      }
    }
  }
  return document;
}
