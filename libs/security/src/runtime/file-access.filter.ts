import { ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import { ProblemDetailsFilter } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';
import { FileAccessMonitor } from './file-access.monitor';

/**
 * The pipeline's error filter: every failure becomes problem+json (ProblemDetailsFilter), and a
 * permission-model denial (ERR_ACCESS_DENIED) that reaches it, from any stage or handler, is
 * counted for the caller. Counting here rather than in an interceptor leaves the request path
 * without one.
 */
@Catch()
@Injectable()
export class FileAccessFilter extends ProblemDetailsFilter {
  constructor(private readonly monitor: FileAccessMonitor) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http') {
      const request = host.switchToHttp().getRequest<FastifyRequest | undefined>();
      this.monitor.record(exception, request?.state?.principal?.username ?? 'anonymous');
    }
    super.catch(exception, host);
  }
}
