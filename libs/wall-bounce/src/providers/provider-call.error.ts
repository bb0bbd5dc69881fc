import type { BilledUsage } from './provider.types';

export const FAILURE_KINDS = [
  'timeout',
  'cancelled',
  'rate-limited',
  'server-error',
  'client-error',
  'network',
  'malformed',
  'circuit-open',
  'egress-refused',
  'request-too-large',
  'response-too-large',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Kinds worth the one retry (SM4): 429, 5xx and network failures. */
export const RETRYABLE: ReadonlySet<FailureKind> = new Set([
  'rate-limited',
  'server-error',
  'network',
]);

/** Kinds that say the provider is unwell and count towards opening its circuit. */
export const COUNTS_AGAINST_PROVIDER: ReadonlySet<FailureKind> = new Set([
  'timeout',
  'rate-limited',
  'server-error',
  'network',
  'malformed',
  'response-too-large',
]);

/**
 * A failed provider call, classified. `message` is short and safe to show (status and kind,
 * never an upstream body or a key).
 */
export class ProviderCallError extends Error {
  /** What the failed call may still have been billed for (set when the request reached the provider). */
  billed?: BilledUsage;

  constructor(
    readonly provider: string,
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderCallError';
  }
}

/** Thrown by the egress fetch before anything leaves the process. */
export class EgressError extends Error {
  constructor(
    readonly kind: 'egress-refused' | 'request-too-large' | 'response-too-large',
    message: string,
  ) {
    super(message);
    this.name = 'EgressError';
  }
}
