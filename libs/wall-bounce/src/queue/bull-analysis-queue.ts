import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { describeError } from '@techsapo/core';
import { analysesConfig } from '../config/analyses.config';
import { ANALYSIS_QUEUE, AnalysisJob } from './analysis-job';
import { AnalysisQueue, JobHandler, QueueCounts } from './analysis-queue';

/** SC4: attempts 3, exponential backoff from 5 s, the last 100 completed and 50 failed kept. */
export const JOB_ATTEMPTS = 3;

@Injectable()
export class BullAnalysisQueue extends AnalysisQueue {
  private readonly logger = new Logger(BullAnalysisQueue.name);
  private closing?: Promise<void>;

  constructor(
    @InjectQueue(ANALYSIS_QUEUE) private readonly queue: Queue,
    @Inject(analysesConfig.factory.KEY)
    private readonly config: ConfigType<typeof analysesConfig.factory>,
  ) {
    super();
  }

  /** Every key of a Bull queue shares its prefix' hash tag, so any one names the slot. */
  get storageKey(): string {
    return (this.queue as Queue & { toKey(type: string): string }).toKey('id');
  }

  async enqueue(job: AnalysisJob): Promise<void> {
    const valid = await AnalysisJob.parse(job.toData());
    await this.queue.add(valid.toData(), {
      jobId: valid.analysisId,
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.backoffMs },
      removeOnComplete: 100,
      removeOnFail: 50,
    });
  }

  async cancel(analysisId: string): Promise<void> {
    const job = await this.queue.getJob(analysisId);
    if (!job) return;
    const state = await job.getState();
    if (state === 'waiting' || state === 'delayed' || state === 'paused') {
      await job.remove().catch((error: unknown) =>
        // Taken by a worker meanwhile: the worker sees the cancellation instead.
        this.logger.debug(`job ${analysisId} not removed: ${describeError(error)}`),
      );
    }
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts();
    return { waiting: c.waiting, active: c.active, delayed: c.delayed, failed: c.failed };
  }

  process(concurrency: number, handler: JobHandler): Promise<void> {
    // Bull names its blocking connection (CLIENT SETNAME) when it starts, without handling a
    // failure: a close before the answer would leave that rejection unhandled.
    const bull = this.queue as Queue & { setWorkerName(): Promise<unknown> };
    const setWorkerName = bull.setWorkerName.bind(bull);
    bull.setWorkerName = () =>
      setWorkerName().catch((error: unknown) =>
        this.logger.debug(`worker connection not named: ${describeError(error)}`),
      );
    // Bull's promise settles when processing stops. While closing, a closed connection is the
    // expected end. Bull rejects without a reason when its blocking connection ends before it
    // was ready.
    return this.queue
      .process(concurrency, (job) =>
        handler(job.data, { number: job.attemptsMade + 1, of: job.opts.attempts ?? 1 }),
      )
      .then(
        () => undefined,
        (error: unknown) => {
          const reason = describeError(error ?? 'its blocking Redis connection ended');
          if (!this.closing) throw new Error(`analysis processing stopped: ${reason}`);
          this.logger.debug(`processing ended while closing: ${reason}`);
        },
      );
  }

  close(): Promise<void> {
    // Bull ends its blocking call by reconnecting the blocking connection while it waits for
    // the running jobs, and leaves connections from createClient to their owner: that one
    // would outlive RedisService's shutdown (which closed it once already).
    const bull = this.queue as Queue & { bclientInitialized?: boolean; bclient?: Redis };
    this.closing ??= this.queue.close().then(() => {
      if (bull.bclientInitialized) bull.bclient?.disconnect();
    });
    return this.closing;
  }
}
