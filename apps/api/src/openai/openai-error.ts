import { type Problem, PROBLEM_TYPE_BASE, type ProblemDocument } from '@techsapo/core';

/** Where OpenAI's API is served: its routes answer OpenAI's error shape. */
export const OPENAI_BASE = '/v1';

/** OpenAI's error body: what its SDKs read into `APIError` (message, type, param, code). */
export interface OpenAiError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** OpenAI's error `type` by status, and the `code` its SDK users switch on where it has one. */
const BY_STATUS: Record<number, { type: string; code?: string }> = {
  400: { type: 'invalid_request_error' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'permission_error' },
  404: { type: 'invalid_request_error' },
  409: { type: 'invalid_request_error' },
  413: { type: 'invalid_request_error' },
  415: { type: 'invalid_request_error' },
  429: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
};

/** Our problem codes that OpenAI names otherwise. */
const CODES: Record<string, { type: string; code: string }> = {
  'budget-exceeded': { type: 'insufficient_quota', code: 'insufficient_quota' },
  'model-not-found': { type: 'invalid_request_error', code: 'model_not_found' },
};

/**
 * A problem (the one the failure maps to on every route, so the status, headers and audit
 * reason are the same) written as OpenAI's error: `code` is our problem code with
 * underscores unless OpenAI has a name for it, `param` the first field at fault. The
 * request id and the problem's own extensions (e.g. a spent budget) go along as `techsapo`.
 */
export function toOpenAiError(problem: Pick<Problem, 'code' | 'status' | 'body'>): OpenAiError & {
  techsapo: Record<string, unknown>;
} {
  const { body } = problem;
  const known = CODES[problem.code] ?? BY_STATUS[problem.status];
  const errors = body.errors ?? [];
  const fields = errors.map((e) => `${e.field} ${e.message}`).join('; ');
  const { type: _t, title: _ti, status: _s, detail: _d, instance: _i, errors: _e, ...extra } = body;
  return {
    error: {
      message: fields ? `${body.detail} ${fields}` : body.detail,
      type: known?.type ?? (problem.status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: errors[0]?.field ?? (problem.code === 'model-not-found' ? 'model' : null),
      code: known?.code ?? problem.code.replace(/-/g, '_'),
    },
    techsapo: extra,
  };
}

/** The stable code of a stored problem (the end of its type). */
export function problemCode(body: ProblemDocument): string {
  return body.type.startsWith(PROBLEM_TYPE_BASE)
    ? body.type.slice(PROBLEM_TYPE_BASE.length)
    : 'analysis-failed';
}

/** A stored problem (a failed analysis's) as OpenAI's error. */
export function problemAsOpenAiError(
  body: ProblemDocument,
): OpenAiError & { techsapo: Record<string, unknown> } {
  return toOpenAiError({ code: problemCode(body), status: body.status, body });
}

/**
 * Failures a retry cannot mend before tomorrow: the OpenAI SDKs honour `x-should-retry`, so
 * they neither hammer a spent budget nor start (and pay for) a failed analysis again.
 */
export const NOT_RETRIED: ReadonlySet<string> = new Set(['budget-exceeded']);
