import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

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
 * The headers helmet writes for `options`, taken once from helmet itself (names in lower case,
 * as Fastify keeps them). Only for options whose values are constants (no directive computed
 * per request, such as a nonce): every response then gets the same set.
 */
export function helmetHeaders(options: HelmetOptions = HEADERS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmet(options)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
      finished = true;
    },
  );
  if (!finished) throw new Error('helmet did not finish synchronously: its headers vary');
  return Object.freeze(headers);
}

/**
 * Helmet's security headers on every response, including refusals before routing. Helmet runs
 * once at start and each request gets the same set as Fastify reply headers: running its
 * middleware per request cost a dozen function calls and raw `setHeader`s (each validated,
 * and then every other header of the response set again one by one by Node's `writeHead`).
 * Routes that answer on the raw response copy `reply.getHeaders()`, so they keep them too.
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  const headers = helmetHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
