import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendOpenAiError } from './openai-error';

/**
 * The OpenAI-compatible routes answer every failure — the pipeline's 401, 403 and 429
 * included, since guards run inside the route's filters — in OpenAI's error shape rather than
 * problem+json, so that the OpenAI SDKs raise their usual errors.
 */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    sendOpenAiError(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }
}
