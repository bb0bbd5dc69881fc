import type { Principal } from '@techsapo/core';
import type { CallContext } from '@techsapo/mcp-proxy';
import type { FastifyRequest } from 'fastify';

/** The audit context of a REST call to the proxy. */
export function restContext(request: FastifyRequest, principal: Principal): CallContext {
  const ua = request.headers['user-agent'];
  return {
    principal,
    requestId: request.state.requestId,
    ip: request.ip,
    userAgent: Array.isArray(ua) ? ua[0] : ua,
    method: request.method,
    path: request.routeOptions?.url ?? request.url.split('?')[0],
    via: 'rest',
    upstreamMs: 0,
  };
}
