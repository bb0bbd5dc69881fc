import type { FastifyInstance } from 'fastify';

/** One year, subdomains included: the usual HSTS for a service only ever reached over TLS. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * HSTS and CSP `upgrade-insecure-requests` only on requests that came over TLS: directly, or
 * through a proxy trusted by TRUST_PROXY that says `X-Forwarded-Proto: https` (Fastify's
 * `request.protocol` reads it only then). Sent over plain HTTP they would make a browser
 * fetch the Swagger UI's scripts from https://host/docs/…, which a plain-HTTP service (a dev
 * VM, a container) does not serve: a blank page.
 */
export function installTransportSecurity(fastify: FastifyInstance): void {
  // A callback hook: an async one costs every response a promise and a turn.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.protocol === 'https') {
      reply.header('Strict-Transport-Security', HSTS);
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string' && !csp.includes('upgrade-insecure-requests'))
        reply.header('content-security-policy', `${csp};upgrade-insecure-requests`);
    }
    done(null, payload);
  });
}
