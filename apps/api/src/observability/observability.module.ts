import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { gatewayOverheadProvider, HttpMetrics, httpDurationProvider } from './http-metrics';
import { MetricsController } from './metrics.controller';

@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      path: '/metrics',
      defaultMetrics: { enabled: true },
    }),
  ],
  providers: [httpDurationProvider, gatewayOverheadProvider, HttpMetrics],
})
export class ObservabilityModule {}
