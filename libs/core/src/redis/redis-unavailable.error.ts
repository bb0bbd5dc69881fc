import { ServiceUnavailableError } from '../errors/domain.error';

/**
 * Replies and client errors that mean "Redis cannot serve this now" rather than "this command
 * is wrong": a cluster failing over (CLUSTERDOWN, TRYAGAIN, redirections that never settle), a
 * node loading or read-only after a role change, a lost connection, or the deadline passed.
 */
const UNAVAILABLE = [
  /^(CLUSTERDOWN|TRYAGAIN|MOVED|ASK|LOADING|MASTERDOWN|READONLY|NOREPLICAS)\b/,
  /^Too many Cluster redirections/,
  /^Failed to refresh slots cache/,
  /^None of startup nodes is available/,
  /^Cluster is ended/,
  /^Connection is closed/,
  /^Command timed out/,
  /^Reached the max retries per request limit/,
  /^Stream isn't writeable/,
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EPIPE)\b/,
];

export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof RedisUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  return UNAVAILABLE.some((pattern) => pattern.test(error.message));
}

/**
 * Redis could not take or serve a request within its deadline (a failover, a replica that did
 * not acknowledge): the service fails closed with 503 and Retry-After.
 */
export class RedisUnavailableError extends ServiceUnavailableError {
  constructor(detail = 'Storage is failing over; try again shortly.', retryAfterSeconds?: number) {
    super(detail, 'storage-unavailable', retryAfterSeconds);
  }
}
