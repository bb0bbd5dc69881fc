import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DomainError, describeError, toProblem } from '@techsapo/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge, Histogram } from 'prom-client';
import {
  AnalysisEngine,
  AnalysisEventType,
  AnalysisResult,
  SecurityFlag,
} from '../analysis/analysis.types';
import { analysesConfig } from '../config/analyses.config';
import { AnalysisEvents } from '../events/analysis-events';
import { AnalysisStore } from '../store/analysis.store';
import { AnalysisJob } from './analysis-job';
import { ANALYSIS_DURATION, CONCURRENT_JOBS } from './analysis-metrics';
import { AnalysisQueue, JobAttempt } from './analysis-queue';

/** The problem stored when a job failed for a reason of ours on its last attempt. */
class AnalysisCrashedError extends DomainError {
  constructor() {
    super('analysis-failed', 500, 'Analysis failed', 'The analysis could not be completed.');
  }
}

/**
 * The worker: takes analysis jobs, runs the engine on the decrypted request, stores the
 * encrypted result or the problem, and reports progress. A domain failure (e.g. too few
 * providers answered) is the analysis' outcome; anything else is retried by the queue, and
 * recorded as a failure on the last attempt. Cancelled analyses are aborted and store nothing.
 */
@Injectable()
export class AnalysisProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AnalysisProcessor.name);

  constructor(
    private readonly queue: AnalysisQueue,
    private readonly store: AnalysisStore,
    private readonly events: AnalysisEvents,
    @Inject(analysesConfig.factory.KEY)
    private readonly config: ConfigType<typeof analysesConfig.factory>,
    @InjectMetric(CONCURRENT_JOBS) private readonly running: Gauge<string>,
    @InjectMetric(ANALYSIS_DURATION) private readonly duration: Histogram<string>,
    private readonly engine: AnalysisEngine,
  ) {}

  onApplicationBootstrap(): void {
    // A worker that cannot take jobs stops (and is restarted) instead of idling: the failure is
    // logged and left unhandled on purpose.
    void this.queue
      .process(this.config.concurrency, (data, attempt) => this.run(data, attempt))
      .catch((error: unknown) => {
        this.logger.fatal(describeError(error));
        throw error;
      });
    this.logger.log(`processing ${this.config.concurrency} analyses at once`);
  }

  /** SIGTERM: take no new job, let the running ones finish (before Redis closes). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  async run(data: unknown, attempt: JobAttempt): Promise<void> {
    const { analysisId: id } = await AnalysisJob.parse(data);
    if (!(await this.store.markRunning(id))) return;
    const found = await this.store.withRequest(id);
    if (!found) return;
    const { record, request } = found;
    const aborter = new AbortController();
    const stopListening = await this.events.listen(id, (signal) => {
      if (signal.kind === 'erased') aborter.abort();
    });
    this.running.inc();
    const timer = this.duration.startTimer({ mode: record.mode });
    const progress = new ProgressChain(this.events, id, aborter.signal);
    let status = 'failed';
    try {
      progress.push('started', { attempt: attempt.number });
      const raw = await this.engine.run(
        {
          content: request.content,
          mode: request.mode,
          providers: request.providers,
          aggregator: request.aggregator,
          taskType: request.taskType,
          language: request.language,
          task: request.task,
          maxCostUsd: request.maxCostUsd,
        },
        {
          progress: (type, eventData) => progress.push(type, eventData),
          signal: aborter.signal,
        },
      );
      await progress.settled();
      const result = withRequestFlags(raw, request.flags);
      if (aborter.signal.aborted || !(await this.store.finish(id, { result }))) return;
      status = 'completed';
      if (request.cacheKey) await this.store.remember(request.cacheKey, id);
      progress.push('completed', {
        status,
        degraded: result.degraded,
        confidence: result.confidence,
        consensus: result.consensus.score,
      });
    } catch (error) {
      await progress.settled();
      if (aborter.signal.aborted) return;
      const last = attempt.number >= attempt.of;
      if (!(error instanceof DomainError) && !last) {
        this.logger.warn(
          `analysis ${id} attempt ${attempt.number}/${attempt.of} failed: ${describeError(error)}`,
        );
        throw error;
      }
      if (!(error instanceof DomainError))
        this.logger.error(`analysis ${id} failed: ${describeError(error)}`);
      const known = error instanceof DomainError ? error : new AnalysisCrashedError();
      const problem = toProblem(known, `/api/v1/analyses/${id}`, request.requestId ?? id).body;
      if (await this.store.finish(id, { error: problem }))
        progress.push('failed', { status: 'failed', error: problem });
    } finally {
      await progress.settled();
      stopListening();
      this.running.dec();
      timer({ status });
    }
  }
}

/** Appends events one after another, so their seq follows the order they were reported in. */
class ProgressChain {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly events: AnalysisEvents,
    private readonly id: string,
    /** Aborted when the analysis was erased: nothing more is written for it. */
    private readonly erased: AbortSignal,
  ) {}

  push(type: AnalysisEventType, data: Record<string, unknown>): void {
    if (this.erased.aborted) return;
    this.tail = this.tail
      .then(() => this.events.append(this.id, type, data))
      .catch(() => undefined);
  }

  async settled(): Promise<void> {
    await this.tail;
  }
}

/** The request guard's findings on the content belong to the result's security flags. */
function withRequestFlags(result: AnalysisResult, flags: SecurityFlag[]): AnalysisResult {
  if (flags.length === 0) return result;
  const seen = new Set(result.security.flags.map((f) => `${f.source}\0${f.rule}`));
  const added = flags.filter((f) => !seen.has(`${f.source}\0${f.rule}`));
  return {
    ...result,
    security: { ...result.security, flags: [...added, ...result.security.flags] },
  };
}
