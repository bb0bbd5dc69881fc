import type { FastifyInstance } from 'fastify';

/** While the server closes, how often the connections that have gone idle are closed. */
const IDLE_REAP_MS = 100;

/**
 * Closing the server closes its idle keep-alive connections once; a connection that answers
 * its last request later (a `?wait`, a stream ended on shutdown) would hold the close until
 * its keep-alive timeout, past the shutdown deadline. From the start of closing, connections
 * are closed as they go idle.
 */
export function closeIdleConnectionsWhileClosing(fastify: FastifyInstance): void {
  fastify.addHook('preClose', (done) => {
    const server = fastify.server;
    const reaper = setInterval(() => server.closeIdleConnections(), IDLE_REAP_MS);
    reaper.unref();
    server.once('close', () => clearInterval(reaper));
    done();
  });
}
