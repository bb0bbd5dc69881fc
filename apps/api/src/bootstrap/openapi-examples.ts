import { PROBLEM_TYPE_BASE } from '@techsapo/core';

/**
 * A real, valid body for every operation that takes one, shown by Swagger UI instead of the
 * placeholders it would generate ("string", every optional field). Kept beside the document's
 * other additions so one test can send each of them to the app and see it accepted.
 */
export const REQUEST_EXAMPLES: Record<string, unknown> = {
  'POST /api/v1/auth/login': { username: 'admin', password: 'correct-horse-battery-staple' },
  'POST /api/v1/auth/console/session': {
    username: 'admin',
    password: 'correct-horse-battery-staple',
  },
  'POST /api/v1/analyses': {
    content: 'export const ttl = 60; // how long should Redis keep this?\n',
    mode: 'parallel',
    metadata: { source: 'src/cache.ts' },
  },
  'POST /api/v1/admin/users': {
    username: 'alice',
    password: 'a-long-passphrase-2026',
    roles: ['analyst'],
  },
  'PATCH /api/v1/admin/users/{id}': { roles: ['analyst', 'viewer'] },
  'POST /api/v1/admin/api-keys': { name: 'github-ci', role: 'ci', expiresInDays: 90 },
  'POST /api/v1/admin/blocks': {
    kind: 'ip',
    value: '203.0.113.7',
    reason: 'Credential stuffing from this address',
    ttlSeconds: 3600,
  },
  'PUT /api/v1/admin/budgets/users/{id}': { dailyUsd: 5 },
  'PUT /api/v1/admin/budgets/api-keys/{id}': { dailyUsd: 20 },
  'POST /api/v1/mcp/servers/{name}/tools/{tool}/call': { arguments: { path: 'README.md' } },
  'POST /api/v1/admin/mcp/servers/{name}/tools/{tool}/approve': {
    hash: '9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a0c2e4b6d8f0a2c4e6b8d0f',
  },
  'POST /v1/chat/completions': {
    model: 'techsapo/parallel',
    messages: [
      { role: 'system', content: 'Review for correctness and security.' },
      { role: 'user', content: 'export const ttl = 60; // how long should Redis keep this?' },
    ],
  },
};

type Example = { summary: string; value: Record<string, unknown> };

const problem = (
  code: string,
  title: string,
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  type: PROBLEM_TYPE_BASE + code,
  title,
  status,
  detail,
  instance: '/api/v1/analyses',
  requestId: '3617b017-3cff-4744-add5-83a760ed3e2e',
  ...extra,
});

/** What the app answers, status by status (copied from real responses of the running app). */
export const PROBLEM_EXAMPLES: Record<string, Record<string, Example>> = {
  '400': {
    'validation-failed': {
      summary: 'Invalid fields, each named',
      value: problem('validation-failed', 'Invalid request', 400, 'The request is invalid.', {
        errors: [
          { field: 'content', message: 'content must be longer than or equal to 1 characters' },
          {
            field: 'mode',
            message: 'mode must be one of the following values: parallel, sequential, council',
          },
        ],
      }),
    },
  },
  '401': {
    unauthenticated: {
      summary: 'No or an invalid token or API key',
      value: problem('unauthenticated', 'Not authenticated', 401, 'Authentication is required.'),
    },
  },
  '403': {
    'security-pattern-blocked': {
      summary: 'A structured field holds a blocked pattern',
      value: problem(
        'security-pattern-blocked',
        'Request blocked',
        403,
        'The query field "q" contains a pattern that is not allowed.',
        { fields: [{ location: 'query', field: 'q', categories: ['web-injection'] }] },
      ),
    },
    forbidden: {
      summary: 'The role may not do this',
      value: problem('forbidden', 'Forbidden', 403, 'You are not allowed to do this.'),
    },
  },
  '404': {
    'not-found': {
      summary: 'Nothing at this address',
      value: problem('analysis-not-found', 'Analysis not found', 404, 'Analysis not found.', {
        instance: '/api/v1/analyses/an_0000000000000000000000',
      }),
    },
  },
  '409': {
    conflict: {
      summary: 'Conflicts with the current state',
      value: problem('conflict', 'Conflict', 409, 'The request conflicts with the current state.'),
    },
  },
  '413': {
    'payload-too-large': {
      summary: 'Body over 1 MiB',
      value: problem(
        'payload-too-large',
        'Payload too large',
        413,
        'The request body is larger than the limit.',
      ),
    },
  },
  '415': {
    'unsupported-media-type': {
      summary: 'Not application/json',
      value: problem(
        'unsupported-media-type',
        'Unsupported media type',
        415,
        'Unsupported Media Type',
      ),
    },
  },
  '429': {
    'rate-limited': {
      summary: 'Over a rate-limit window (Retry-After says when to come back)',
      value: problem(
        'rate-limited',
        'Too many requests',
        429,
        'Rate limit exceeded (3 per minute).',
      ),
    },
  },
  '500': {
    'internal-error': {
      summary: 'Unexpected; nothing internal is shown',
      value: problem(
        'internal-error',
        'Internal server error',
        500,
        'An unexpected error occurred.',
      ),
    },
  },
  '502': {
    'bad-gateway': {
      summary: 'An upstream (MCP server, provider) failed',
      value: problem('bad-gateway', 'Bad gateway', 502, 'An upstream service failed.'),
    },
  },
  '504': {
    'gateway-timeout': {
      summary: 'An upstream did not answer in time',
      value: problem(
        'gateway-timeout',
        'Gateway timeout',
        504,
        'An upstream service did not answer in time.',
      ),
    },
  },
  '503': {
    'service-unavailable': {
      summary: 'Redis or a dependency is not ready',
      value: problem(
        'service-unavailable',
        'Service unavailable',
        503,
        'The service is temporarily unavailable.',
      ),
    },
  },
};
