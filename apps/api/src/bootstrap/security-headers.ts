import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

const HEADERS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      // Added with HSTS on requests that came over TLS only (transport-security.ts).
      upgradeInsecureRequests: null,
    },
  },
  hsts: false,
};

/**
 * Helmet's security headers on every response, including refusals before routing, from one
 * middleware built at start (@fastify/helmet built a new helmet middleware, CSP parse
 * included, on every request).
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  const setHeaders = helmet(HEADERS);
  fastify.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, (error?: unknown) =>
      done(error instanceof Error ? error : undefined),
    );
  });
}
