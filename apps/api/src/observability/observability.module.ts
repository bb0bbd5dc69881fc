import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { BuildInfoMetric, buildInfoProvider } from './build-info';
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
  providers: [
    httpDurationProvider,
    gatewayOverheadProvider,
    HttpMetrics,
    buildInfoProvider,
    BuildInfoMetric,
  ],
})
export class ObservabilityModule {}
