import { clientRequestIdFrom, RequestLifecycle, RequestState } from '@techsapo/core';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';

export const OVERHEAD_HEADER = 'X-TechSapo-Overhead-Ms';

export function gatewayOverheadMs(state: RequestState): number {
  const totalMs = Number(process.hrtime.bigint() - state.startedAt) / 1e6;
  return Math.max(0, totalMs - state.upstreamMs);
}

/**
 * Fastify's request id, always a new UUID (a client's X-Request-Id is kept apart as
 * `clientRequestId`, so no client chooses the id the audit trail stores); the request's log
 * lines carry it.
 */
export function generateRequestId(): string {
  return randomUUID();
}

/**
 * Hooks on the HTTP server itself, so they see every request, including the ones refused
 * before Nest routes them (body limit, malformed JSON, unknown paths).
 */
export function installHttpHooks(fastify: FastifyInstance, lifecycle: RequestLifecycle): void {
  fastify.decorateRequest('state', null as unknown as RequestState);
  fastify.addHook('onRequest', (request, reply, done) => {
    request.state = {
      requestId: String(request.id),
      clientRequestId: clientRequestIdFrom(request.headers['x-request-id']),
      startedAt: process.hrtime.bigint(),
      upstreamMs: 0,
      details: {},
    };
    reply.header('X-Request-Id', request.state.requestId);
    done();
  });
  // The gateway's own time, as the best LLM gateways expose it (upstream waits excluded).
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.state) reply.header(OVERHEAD_HEADER, gatewayOverheadMs(request.state).toFixed(2));
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    request.state.route = request.routeOptions?.url;
    lifecycle.completed(request, reply);
    done();
  });
}
