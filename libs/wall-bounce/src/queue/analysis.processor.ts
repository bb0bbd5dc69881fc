import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { asBackgroundWork, DomainError, describeError, toProblem } from '@techsapo/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge, Histogram } from 'prom-client';
import { AnalysisEngine, AnalysisResult, SecurityFlag } from '../analysis/analysis.types';
import { BudgetsService } from '../budgets/budgets.service';
import { analysesConfig } from '../config/analyses.config';
import { abandonedCalls } from '../events/abandoned-calls';
import { AnalysisEvents } from '../events/analysis-events';
import { AnalysisStore } from '../store/analysis.store';
import type { Owner } from '../usage/owner';
import { billedResult } from '../usage/result-usage';
import { usageOf } from '../usage/usage-summary';
import { UsageService } from '../usage/usage.service';
import { AnalysisJob } from './analysis-job';
import { ANALYSIS_DURATION, CONCURRENT_JOBS } from './analysis-metrics';
import { AnalysisQueue, JobAttempt } from './analysis-queue';
import { ProgressChain } from './progress-chain';

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
 *
 * Every billed provider call goes to the usage ledger as it ends. A run that takes over from a
 * worker that stopped first closes that attempt's open calls (`provider_abandoned`), and
 * starts with what the earlier attempts spent: it counts against the analysis' cost cap, and
 * the result's usage is that of every attempt.
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
    private readonly usage: UsageService,
    private readonly budgets: BudgetsService,
  ) {}

  onApplicationBootstrap(): void {
    // A worker that cannot take jobs stops (and is restarted) instead of idling: the failure is
    // logged and left unhandled on purpose. A job is background work: no request waits on its
    // Redis commands, so a failover is waited out rather than failing the analysis.
    void this.queue
      .process(this.config.concurrency, (data, attempt) =>
        asBackgroundWork(() => this.run(data, attempt)),
      )
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
    const run = await this.store.markRunning(id);
    if (run === 0) return;
    const found = await this.store.withRequest(id);
    if (!found) return;
    const { record, request } = found;
    const owner: Owner = { id: record.ownerId, kind: request.ownerKind ?? 'user' };
    const recorder = this.usage.recorder(owner, id, run);
    const aborter = new AbortController();
    const stopListening = await this.events.listen(id, (signal) => {
      if (signal.kind === 'erased') aborter.abort();
    });
    this.running.inc();
    const timer = this.duration.startTimer({ mode: record.mode });
    const progress = new ProgressChain(this.events, id, aborter.signal, this.logger);
    let status = 'failed';
    try {
      if (run > 1) await closeAbandonedCalls(this.events, id, progress);
      progress.push('started', { attempt: run });
      const spentUsd = (await this.usage.forAnalysis(owner.id, id)).costUsd;
      const capUsd = await this.budgets.capFor(owner, {
        maxCostUsd: request.maxCostUsd,
        spentUsd,
      });
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
          gates: request.gates,
          answerFormat: request.answerFormat,
        },
        {
          progress: (type, eventData) => progress.push(type, eventData),
          signal: aborter.signal,
          onUsage: recorder.record,
          spentUsd,
          capUsd,
          trace: { analysisId: id, requestId: request.requestId, ownerId: record.ownerId },
        },
      );
      await Promise.all([progress.settled(), recorder.settled()]);
      const result = billedResult(
        withRequestFlags(raw, request.flags),
        await this.usage.forAnalysis(owner.id, id),
      );
      if (aborter.signal.aborted || !(await this.store.finish(id, { result }))) return;
      status = 'completed';
      if (request.cacheKey && !result.degraded) await this.store.remember(request.cacheKey, id);
      progress.push('completed', {
        status,
        degraded: result.degraded,
        confidence: result.confidence,
        consensus: result.consensus.score,
        usage: result.usage,
      });
    } catch (error) {
      await progress.settled();
      // What the failed attempt billed stays in the ledger; a write that was lost is logged.
      const lost = await recorder.settled().then(
        () => undefined,
        (failure: unknown) => failure,
      );
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
      if (lost) this.logger.error(`analysis ${id}: ${describeError(lost)}`);
      const known = error instanceof DomainError ? error : new AnalysisCrashedError();
      const problem = toProblem(known, `/api/v1/analyses/${id}`, request.requestId ?? id).body;
      if (await this.store.finish(id, { error: problem })) {
        const usage = usageOf(await this.usage.forAnalysis(owner.id, id));
        progress.push('failed', { status: 'failed', error: problem, usage });
      }
    } finally {
      await progress.settled();
      stopListening();
      this.running.dec();
      timer({ status });
    }
  }
}

/**
 * Closes the provider calls that an earlier attempt started and never ended (its worker
 * stopped): one `provider_abandoned` each, before this attempt starts. Their usage, if the
 * provider bills them, was never reported to us.
 */
async function closeAbandonedCalls(
  events: AnalysisEvents,
  id: string,
  progress: ProgressChain,
): Promise<void> {
  for (const { call, attempt } of abandonedCalls(await events.history(id))) {
    progress.push('provider_abandoned', {
      ...call,
      attempt,
      reason: `the worker running attempt ${attempt} stopped before this call ended`,
    });
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
