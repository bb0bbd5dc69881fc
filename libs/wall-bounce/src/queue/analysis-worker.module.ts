import { Module } from '@nestjs/common';
import { AnalysesModule } from '../analyses/analyses.module';
import { AnalysisProcessor } from './analysis.processor';
import { workerMetricProviders } from './analysis-metrics';

/** The `worker` role: runs analysis jobs with the AnalysisEngine the engine module provides. */
@Module({
  imports: [AnalysesModule],
  providers: [...workerMetricProviders, AnalysisProcessor],
})
export class AnalysisWorkerModule {}
