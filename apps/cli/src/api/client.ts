import createClient, { type Client } from 'openapi-fetch';
import { oneLine, ServerError, UsageError, type CliError } from '../errors';
import type { Analysis, CreateAnalysisBody, Paths, Problem } from './types';

export interface ApiClientOptions {
  /** TECHSAPO_URL, e.g. https://techsapo.example.com */
  baseUrl: string;
  /** TECHSAPO_API_KEY (`tsk_…`) */
  apiKey: string;
  /** How often a 429 (or 503) with Retry-After is retried before giving up. */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for (a login ban lasts 15 minutes). */
  maxRetryAfterSeconds?: number;
  /** Told before each wait, to say so on stderr. */
  onRetry?: (status: number, seconds: number, attempt: number) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const RETRIED = new Set([429, 503]);

/** How many times each returned response was asked for, for the message after giving up. */
const attempts = new WeakMap<Response, number>();

/** Retry-After as seconds: a delay (RFC 9110) or an HTTP date; undefined when absent or bad. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function unreachable(url: string, error: unknown): ServerError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : '');
  return new ServerError(`cannot reach ${new URL(url).origin}: ${reason || 'network error'}`);
}

/**
 * fetch with two duties: a network failure becomes one clear ServerError, and 429/503 with
 * Retry-After are retried after the wait the server asked for, a bounded number of times.
 */
export function politeFetch(options: ApiClientOptions): (request: Request) => Promise<Response> {
  const send = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const maxRetries = options.maxRetries ?? 3;
  const maxWait = options.maxRetryAfterSeconds ?? 120;
  return async (request: Request) => {
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await send(request.clone());
      } catch (error) {
        if (request.signal?.aborted) throw error;
        throw unreachable(request.url, error);
      }
      attempts.set(response, attempt);
      if (!RETRIED.has(response.status) || attempt > maxRetries) return response;
      const seconds = retryAfterSeconds(response.headers.get('retry-after'));
      if (seconds === undefined || seconds > maxWait) return response;
      await response.body?.cancel();
      options.onRetry?.(response.status, seconds, attempt);
      await sleep(seconds * 1000);
    }
  };
}

export type ApiClient = Client<Paths>;

export function createApiClient(options: ApiClientOptions): ApiClient {
  return createClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { Authorization: `Bearer ${options.apiKey}`, 'User-Agent': 'techsapo-cli' },
    fetch: politeFetch(options),
  });
}

/** The one line an error response becomes, and whether it is the caller's fault (2) or not (3). */
export function responseError(response: Response, body: unknown): CliError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Partial<Problem>;
  const status = response.status;
  const detail = oneLine(problem.detail ?? problem.title ?? response.statusText ?? '');
  const id = problem.requestId ?? response.headers.get('x-request-id');
  const ref = id ? ` (request id ${id})` : '';
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
  switch (true) {
    case status === 401:
      return new ServerError(`401 not authenticated: ${detail}; check TECHSAPO_API_KEY`, status);
    case status === 403:
      return new ServerError(`403 forbidden: ${detail}${ref}`, status);
    case status === 429 || status === 503: {
      const after = retryAfterSeconds(response.headers.get('retry-after'));
      const tried =
        (attempts.get(response) ?? 1) > 1 ? ` after ${attempts.get(response)} attempts` : '';
      const wait = after !== undefined ? `; retry after ${after} s` : '';
      return new ServerError(
        `${status} ${status === 429 ? 'rate limited' : 'not ready'}${tried}${wait}${ref}`,
        status,
      );
    }
    case status === 400 || status === 413 || status === 415:
      return new UsageError(`${status} the server refused the request: ${fields || detail}${ref}`);
    case status >= 500:
      return new ServerError(`${status} server error: ${detail}${ref}`, status);
    default:
      return new ServerError(`${status} ${detail}${ref}`, status);
  }
}

export class AnalysesApi {
  constructor(readonly client: ApiClient) {}

  async create(body: CreateAnalysisBody): Promise<Analysis> {
    const { data, error, response } = await this.client.POST('/api/v1/analyses', { body });
    if (data === undefined) throw responseError(response, error);
    return data;
  }

  async get(id: string): Promise<Analysis> {
    const { data, error, response } = await this.client.GET('/api/v1/analyses/{id}', {
      params: { path: { id } },
    });
    if (data === undefined) throw responseError(response, error);
    return data;
  }

  /** The events stream's body; the caller reads it with readServerSentEvents. */
  async events(id: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const { data, error, response } = await this.client.GET('/api/v1/analyses/{id}/events', {
      params: { path: { id } },
      headers: { Accept: 'text/event-stream' },
      parseAs: 'stream',
      signal,
    });
    if (!response.ok || !data) throw responseError(response, error);
    return data;
  }
}
