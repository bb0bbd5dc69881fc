import type { Provider } from '@nestjs/common';
import { ScrapeReads } from '@techsapo/core';
import { makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { AnalysisQueue } from './analysis-queue';

export const CONCURRENT_JOBS = 'techsapo_concurrent_jobs';
export const QUEUE_LENGTH = 'techsapo_wall_bounce_queue_length';
export const ANALYSIS_DURATION = 'techsapo_wall_bounce_duration_seconds';

/** Waiting + delayed jobs, read from Redis at each scrape (the HPA scales workers on it). */
export const queueLengthProvider: Provider = {
  provide: QUEUE_LENGTH,
  inject: [AnalysisQueue, ScrapeReads],
  useFactory: (queue: AnalysisQueue, reads: ScrapeReads) =>
    reads.gauge(
      QUEUE_LENGTH,
      'Analyses waiting to run (waiting + delayed jobs of wall-bounce-analysis)',
      async () => {
        const c = await queue.counts();
        return c.waiting + c.delayed;
      },
    ),
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
