import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { catchError, Observable, throwError } from 'rxjs';
import { FileAccessMonitor } from './file-access.monitor';

/** Counts permission-model denials that surface from a handler, attributed to the caller. */
@Injectable()
export class FileAccessInterceptor implements NestInterceptor {
  constructor(private readonly monitor: FileAccessMonitor) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const request = context.switchToHttp().getRequest<FastifyRequest | undefined>();
        this.monitor.record(error, request?.state?.principal?.username ?? 'anonymous');
        return throwError(() => error);
      }),
    );
  }
}
