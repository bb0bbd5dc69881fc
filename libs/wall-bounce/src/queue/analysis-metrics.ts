import type { Provider } from '@nestjs/common';
import { makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { Gauge, register } from 'prom-client';
import { AnalysisQueue } from './analysis-queue';

export const CONCURRENT_JOBS = 'techsapo_concurrent_jobs';
export const QUEUE_LENGTH = 'techsapo_wall_bounce_queue_length';
export const ANALYSIS_DURATION = 'techsapo_wall_bounce_duration_seconds';

/** Waiting + delayed jobs, read from Redis at each scrape (the HPA scales workers on it). */
export const queueLengthProvider: Provider = {
  provide: QUEUE_LENGTH,
  inject: [AnalysisQueue],
  useFactory: (queue: AnalysisQueue) =>
    new Gauge({
      name: QUEUE_LENGTH,
      help: 'Analyses waiting to run (waiting + delayed jobs of wall-bounce-analysis)',
      registers: [register],
      async collect() {
        try {
          const c = await queue.counts();
          this.set(c.waiting + c.delayed);
        } catch {
          // Redis unreachable: keep the last value; readiness reports the outage.
        }
      },
    }),
};

export const workerMetricProviders: Provider[] = [
  makeGaugeProvider({
    name: CONCURRENT_JOBS,
    help: 'Analyses this worker is running now',
  }),
  makeHistogramProvider({
    name: ANALYSIS_DURATION,
    help: 'Time from a worker taking an analysis to its outcome, in seconds',
    labelNames: ['mode', 'status'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30],
  }),
];
