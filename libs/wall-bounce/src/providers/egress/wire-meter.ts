import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one attempt of a provider call sent and received, so that a call that fails after the
 * request reached the provider can still say what it may have been billed for. The egress
 * fetch records whether the request left and the bytes that came back; the wire clients add
 * usage the provider reported before failing and the reply text decoded so far.
 */
export class WireMeter {
  /** The request was handed to a connection (not refused before or while connecting). */
  sent = false;
  /** Response body bytes received. */
  receivedBytes = 0;
  /** Characters of the prompt as sent (system prompt and messages), for an input estimate. */
  promptChars = 0;
  /** Reply characters decoded so far (streams): a closer output estimate than raw bytes. */
  decodedChars = 0;
  /** Stream deltas were handed to the caller: a retry would repeat what it already saw. */
  delivered = false;
  reportedInput?: number;
  reportedOutput?: number;

  /** Usage the provider reported, kept in case the call fails after all. */
  report(usage: { input?: number | null; output?: number | null }): void {
    if (typeof usage.input === 'number') this.reportedInput = usage.input;
    if (typeof usage.output === 'number') this.reportedOutput = usage.output;
  }
}

const meters = new AsyncLocalStorage<WireMeter>();

/** Runs one attempt with its meter; the egress fetch and the clients find it there. */
export function withWireMeter<T>(meter: WireMeter, attempt: () => Promise<T>): Promise<T> {
  return meters.run(meter, attempt);
}

/** The meter of the attempt running in this async context, if any. */
export function currentWireMeter(): WireMeter | undefined {
  return meters.getStore();
}

/** Errors raised while connecting: the request never left, so nothing can have been billed. */
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isConnectFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_FAILURES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
