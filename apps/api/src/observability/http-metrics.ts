import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectMetric, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { RequestLifecycle } from '@techsapo/core';
import type { Histogram } from 'prom-client';

export const HTTP_DURATION = 'techsapo_http_request_duration_seconds';

export const httpDurationProvider = makeHistogramProvider({
  name: HTTP_DURATION,
  help: 'HTTP request duration by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});

@Injectable()
export class HttpMetrics implements OnModuleInit {
  constructor(
    private readonly lifecycle: RequestLifecycle,
    @InjectMetric(HTTP_DURATION) private readonly duration: Histogram<string>,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onCompleted((request, reply) => {
      const seconds = Number(process.hrtime.bigint() - request.state.startedAt) / 1e9;
      // Unmatched paths share one label so clients cannot grow the series without bound.
      this.duration.observe(
        {
          method: request.method,
          route: request.state.route ?? 'unmatched',
          status: String(reply.statusCode),
        },
        seconds,
      );
    });
  }
}
