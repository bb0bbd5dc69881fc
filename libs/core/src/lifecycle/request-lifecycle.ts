import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestLogger } from '../logging/request-log';

export type RequestCompletedListener = (request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Every response, whatever produced it (a handler, a guard, the body parser, the router),
 * ends here once: metrics and the audit trail listen to it so that nothing is missed.
 */
@Injectable()
export class RequestLifecycle {
  private readonly listeners: RequestCompletedListener[] = [];

  onCompleted(listener: RequestCompletedListener): void {
    this.listeners.push(listener);
  }

  completed(request: FastifyRequest, reply: FastifyReply): void {
    for (const listener of this.listeners) {
      try {
        listener(request, reply);
      } catch (error) {
        requestLogger(request, RequestLifecycle.name).error(
          { err: error },
          'request-completed listener failed',
        );
      }
    }
  }
}
