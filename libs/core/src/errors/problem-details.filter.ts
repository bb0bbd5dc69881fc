import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** The one place errors become responses: problem+json, request id, no internals on 5xx. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private static readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    sendProblem(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }

  static log(exception: unknown, requestId: string): void {
    ProblemDetailsFilter.logger.error({ err: exception, requestId }, 'unexpected error');
  }
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  exception: unknown,
): void {
  const requestId = request.state?.requestId ?? String(request.id);
  const problem = toProblem(exception, request.url.split('?')[0], requestId);
  if (problem.unexpected) ProblemDetailsFilter.log(exception, requestId);
  if (request.state) request.state.reason = problem.code;
  if (reply.sent || reply.raw.headersSent) return;
  reply
    .status(problem.status)
    .headers(problem.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem.body);
}
