import type { FastifyRequest } from 'fastify';

/** Whose quota a request uses. */
export interface RateLimitSubject {
  /** e.g. `s:<session id>`, `k:<key hash>`, `ip:<address>` */
  tracker: string;
  /** Set when the subject is a session: passing the hourly limit blocks it (RL2). */
  sessionId?: string;
  /**
   * Sends the request's other Redis reads (its session, its user and session blocks), called
   * right after the counters are sent so that both leave in one round trip.
   */
  sendReads?: () => void;
}

/**
 * Names the subject of a request from its credentials without a Redis round trip (the
 * identity module verifies a token's signature locally). Without one, the client address.
 */
export abstract class RateLimitTracker {
  abstract subjectOf(request: FastifyRequest): Promise<RateLimitSubject>;
}

export function addressSubject(request: FastifyRequest): RateLimitSubject {
  return { tracker: `ip:${request.ip}` };
}
