import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectMetric, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { RequestLifecycle } from '@techsapo/core';
import { gatewayOverheadMs } from '../bootstrap/http-hooks';
import type { Histogram } from 'prom-client';

export const HTTP_DURATION = 'techsapo_http_request_duration_seconds';
export const GATEWAY_OVERHEAD = 'techsapo_gateway_overhead_seconds';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const httpDurationProvider = makeHistogramProvider({
  name: HTTP_DURATION,
  help: 'HTTP request duration by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: BUCKETS,
});

export const gatewayOverheadProvider = makeHistogramProvider({
  name: GATEWAY_OVERHEAD,
  help: "The gateway's own time per request (total minus time waiting on LLM and MCP upstreams)",
  labelNames: ['route'],
  buckets: BUCKETS,
});

@Injectable()
export class HttpMetrics implements OnModuleInit {
  constructor(
    private readonly lifecycle: RequestLifecycle,
    @InjectMetric(HTTP_DURATION) private readonly duration: Histogram<string>,
    @InjectMetric(GATEWAY_OVERHEAD) private readonly overhead: Histogram<string>,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onCompleted((request, reply) => {
      const seconds = Number(process.hrtime.bigint() - request.state.startedAt) / 1e9;
      // Unmatched paths share one label so clients cannot grow the series without bound.
      const route = request.state.route ?? 'unmatched';
      // Lower case like every label value we emit (`get`, `post`).
      this.duration.observe(
        { method: request.method.toLowerCase(), route, status: String(reply.statusCode) },
        seconds,
      );
      this.overhead.observe({ route }, gatewayOverheadMs(request.state) / 1000);
    });
  }
}
