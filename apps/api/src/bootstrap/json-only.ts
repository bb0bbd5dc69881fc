import type { FastifyInstance } from 'fastify';

/**
 * JSON in (API.md): bodies of other types are refused with 415 before any route sees them,
 * rather than parsed into strings or form objects that validation would misreport.
 * Call after app.init(), which registers Nest's parsers.
 */
export function acceptOnlyJsonBodies(fastify: FastifyInstance): void {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
    if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
  }
}
