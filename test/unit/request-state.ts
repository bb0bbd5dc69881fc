import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RequestState } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';

/**
 * Gives every request of a Nest app on Fastify the state the service's request hooks give it
 * (request id `req-1`, no upstream time yet, empty details), with what `more` adds for the
 * request (a principal, say). Call it before `app.init()`.
 */
export function withRequestState(
  app: NestFastifyApplication,
  more: (req: FastifyRequest) => Partial<RequestState> = () => ({}),
): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req: FastifyRequest) => {
      req.state = {
        requestId: 'req-1',
        startedAt: process.hrtime.bigint(),
        upstreamMs: 0,
        details: {},
        ...more(req),
      };
    });
}
