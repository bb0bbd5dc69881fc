import type { AnalysisJob } from './analysis-job';

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface JobAttempt {
  /** 1 for the first run of the job. */
  number: number;
  /** How many runs the job may have in all. */
  of: number;
}

export type JobHandler = (data: unknown, attempt: JobAttempt) => Promise<void>;

/**
 * Our view of the analysis queue; Bull stays behind it (BullAnalysisQueue), so the transport
 * can change without touching the service or the worker.
 */
export abstract class AnalysisQueue {
  /** A Redis key in the slot that holds the queue's jobs (to wait for their replication). */
  abstract readonly storageKey: string;
  abstract enqueue(job: AnalysisJob): Promise<void>;
  /** Removes a job that has not started; a running one is stopped by its worker. */
  abstract cancel(analysisId: string): Promise<void>;
  abstract counts(): Promise<QueueCounts>;
  /**
   * Runs jobs in this process, `concurrency` at once. Settles when processing stops: resolves
   * when that is the close, rejects when it stopped for another reason.
   */
  abstract process(concurrency: number, handler: JobHandler): Promise<void>;
  /** Stops taking jobs and waits for the running ones to finish. */
  abstract close(): Promise<void>;
}
