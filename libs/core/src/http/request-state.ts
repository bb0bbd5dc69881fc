import type { Principal } from './principal';

/** What the pipeline learns about one request, kept on the Fastify request. */
export interface RequestState {
  requestId: string;
  startedAt: bigint;
  principal?: Principal;
  /** The route pattern, once routing matched (e.g. /api/v1/analyses/:id). */
  route?: string;
  /** Why the request was refused or failed: the problem code. */
  reason?: string;
  /**
   * Time spent waiting on upstreams (LLM providers, MCP servers) during this request; the
   * gateway's own overhead is the total minus this.
   */
  upstreamMs: number;
  /** Facts that stages add for the audit entry (never raw bodies or secrets). */
  details: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyRequest {
    state: RequestState;
  }
}
