import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestLogger } from '../logging/request-log';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** The one place errors become responses: problem+json, request id, no internals on 5xx. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    sendProblem(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  exception: unknown,
): void {
  const requestId = request.state?.requestId ?? String(request.id);
  const problem = toProblem(exception, request.url.split('?')[0], requestId);
  if (problem.unexpected)
    requestLogger(request, 'Problem').error({ err: exception }, 'unexpected error');
  if (request.state) request.state.reason = problem.code;
  if (reply.sent || reply.raw.headersSent) return;
  reply
    .status(problem.status)
    .headers(problem.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem.body);
}
