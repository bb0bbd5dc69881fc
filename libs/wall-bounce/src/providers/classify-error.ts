import { MalformedCompletionError } from './clients/malformed-completion.error';
import { EgressError, ProviderCallError } from './provider-call.error';

interface SdkLikeError {
  name?: string;
  status?: unknown;
  headers?: unknown;
  cause?: unknown;
  code?: unknown;
}

/** How a call ended from the caller's side (which signal fired, if any). */
export interface AbortState {
  cancelled: boolean;
  timedOut: boolean;
  timeoutMs: number;
}

/** Turns whatever an SDK threw into a classified, safe-to-show ProviderCallError. */
export function classifyError(
  provider: string,
  error: unknown,
  abort: AbortState,
): ProviderCallError {
  const egress = findInChain(error, (e) => e instanceof EgressError) as EgressError | undefined;
  if (egress) return new ProviderCallError(provider, egress.kind, egress.message);
  if (abort.cancelled) return new ProviderCallError(provider, 'cancelled', 'cancelled');
  const e = (error ?? {}) as SdkLikeError;
  if (abort.timedOut || e.name === 'APIConnectionTimeoutError') {
    return new ProviderCallError(provider, 'timeout', `no answer within ${abort.timeoutMs} ms`);
  }
  if (
    findInChain(
      error,
      (x) => x instanceof MalformedCompletionError || (x as Error).name === 'SyntaxError',
    )
  ) {
    return new ProviderCallError(provider, 'malformed', 'the response could not be read');
  }
  if (typeof e.status === 'number') {
    const status = e.status;
    if (status === 429) {
      return new ProviderCallError(
        provider,
        'rate-limited',
        'HTTP 429',
        status,
        retryAfterMs(e.headers),
      );
    }
    if (status >= 500) {
      return new ProviderCallError(
        provider,
        'server-error',
        `HTTP ${status}`,
        status,
        retryAfterMs(e.headers),
      );
    }
    return new ProviderCallError(provider, 'client-error', `HTTP ${status}`, status);
  }
  return new ProviderCallError(provider, 'network', 'the provider could not be reached');
}

function findInChain(error: unknown, test: (e: unknown) => boolean): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    if (test(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** retry-after-ms (OpenAI), else retry-after in seconds or as an HTTP date. */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  // Duck-typed: Headers may come from another realm (undici inside a test runner).
  const get = (name: string): string | null | undefined =>
    typeof (headers as Headers | undefined)?.get === 'function'
      ? (headers as Headers).get(name)
      : (headers as Record<string, string> | undefined)?.[name];
  const ms = Number(get('retry-after-ms'));
  if (get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
