/** A problem+json answer of the API (RFC 9457), as the console shows it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: { field?: string; message?: string }[];
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

const SAFE = new Set(['GET', 'HEAD']);
let csrfToken = '';

/** The session's CSRF token, sent as X-CSRF-Token on every state change. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

type Query = Record<string, string | number | boolean | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * One call to the public API with the session cookie (same origin). Errors become
 * ProblemError with the problem document the API answered.
 */
export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; query?: Query } = {},
): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method)) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(withQuery(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Problem;
    throw new ProblemError(response.status, { status: response.status, ...problem });
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A GET whose answer is text (a Markdown report); errors as in api(). */
export async function apiText(path: string, query: Query = {}): Promise<string> {
  const response = await fetch(withQuery(path, query), { credentials: 'same-origin' });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Problem;
    throw new ProblemError(response.status, { status: response.status, ...problem });
  }
  return response.text();
}
