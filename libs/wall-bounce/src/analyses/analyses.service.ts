import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ForbiddenError,
  NotFoundError,
  Principal,
  ReplicatedWrites,
  ValidationFailedError,
} from '@techsapo/core';
import { Action, AbilityFactory, AppAbility, record } from '@techsapo/security';
import { Observable, ReplaySubject, Subscription, takeUntil } from 'rxjs';
import type {
  AnalysisEvent,
  AnalysisGates,
  AnalysisMode,
  AnswerFormat,
  AnalysisTask,
  SecurityFlag,
  TaskType,
} from '../analysis/analysis.types';
import { BudgetsService } from '../budgets/budgets.service';
import { analysesConfig } from '../config/analyses.config';
import { AnalysisEvents, AnalysisSignal, TERMINAL_EVENTS } from '../events/analysis-events';
import { AnalysisJob } from '../queue/analysis-job';
import { AnalysisQueue } from '../queue/analysis-queue';
import { AnalysisRecord, isFinal, StoredRequest } from '../store/analysis-record';
import { AnalysisStore, ListPage } from '../store/analysis.store';
import { ProviderRegistry } from '../providers/provider.registry';
import { ownerOf } from '../usage/owner';
import { cachedResult } from '../usage/result-usage';
import { UsageService } from '../usage/usage.service';
import { emptyUsage } from '../usage/usage-summary';
import { providerChoiceErrors } from './provider-choice';

export interface CreateAnalysisInput {
  content: string;
  mode?: AnalysisMode;
  providers?: string[];
  aggregator?: string;
  taskType?: TaskType;
  task?: AnalysisTask;
  language?: string;
  maxCostUsd?: number;
  cache?: boolean;
  metadata?: { source?: string; ref?: string };
  gates?: AnalysisGates;
  answerFormat?: AnswerFormat;
}

export interface ListAnalysesInput {
  status?: AnalysisRecord['status'];
  limit?: number;
  cursor?: string;
}

/** What an SSE stream emits: a stored event, or a heartbeat. */
export type StreamItem = { event: AnalysisEvent } | { heartbeat: string };

export class AnalysisNotFoundError extends NotFoundError {
  constructor() {
    super('Analysis', 'analysis-not-found');
  }
}

/** A `Last-Event-ID`: the seq of the last event a client received. */
const EVENT_ID = /^\d{1,15}$/;

/**
 * Analyses as their owners see them: create (answered from the owner's cache when an
 * identical request finished recently), read, list, wait, follow, cancel and erase. Another
 * user's analysis is reported as not found, so its existence is not revealed. At the door a
 * request's providers must be configured, and its owner's daily budget not spent (an answer
 * from cache costs nothing and is served regardless).
 */
@Injectable()
export class AnalysesService implements BeforeApplicationShutdown {
  /** Emits once the process begins to stop; replays to streams opened after that. */
  private readonly stopping = new ReplaySubject<void>(1);

  constructor(
    private readonly store: AnalysisStore,
    private readonly queue: AnalysisQueue,
    private readonly events: AnalysisEvents,
    private readonly abilities: AbilityFactory,
    private readonly registry: ProviderRegistry,
    private readonly budgets: BudgetsService,
    private readonly usage: UsageService,
    private readonly replicated: ReplicatedWrites,
    @Inject(analysesConfig.factory.KEY)
    private readonly config: ConfigType<typeof analysesConfig.factory>,
  ) {}

  /**
   * Ends every open event stream and wait, so that a stopping process does not wait for
   * analyses it does not run: a client reconnects (to another instance) and gets the stored
   * events again; a wait answers the analysis as it is.
   */
  beforeApplicationShutdown(): void {
    this.stopping.next();
  }

  async create(
    principal: Principal,
    input: CreateAnalysisInput,
    context: { requestId?: string; flags?: SecurityFlag[] } = {},
  ): Promise<AnalysisRecord> {
    if (!this.abilities.for(principal).can(Action.Create, 'Analysis')) throw new ForbiddenError();
    const invalid = providerChoiceErrors(this.registry.names(), input);
    if (invalid.length > 0)
      throw new ValidationFailedError(invalid, 'The request names providers that cannot run here.');
    const mode = input.mode ?? 'parallel';
    const owner = ownerOf(principal);
    const request: StoredRequest = {
      content: input.content,
      mode,
      providers: input.providers,
      aggregator: input.aggregator,
      taskType: input.taskType,
      task: input.task,
      language: input.language,
      maxCostUsd: input.maxCostUsd,
      gates: input.gates,
      answerFormat: input.answerFormat,
      ownerKind: owner.kind,
      metadata: input.metadata,
      flags: context.flags ?? [],
      requestId: context.requestId,
    };
    request.cacheKey = this.store.cacheKey(principal.id, request);
    if (input.cache !== false) {
      const earlier = await this.cached(principal.id, request.cacheKey);
      if (earlier?.result) {
        const result = cachedResult(earlier.result);
        const reused = await this.store.create({ ownerId: principal.id, mode, request, result });
        await this.events.append(reused.id, 'completed', {
          status: 'completed',
          cached: true,
          degraded: result.degraded,
          confidence: result.confidence,
          consensus: result.consensus.score,
          usage: result.usage,
          originalUsage: result.originalUsage,
        });
        return { ...reused, usage: emptyUsage() };
      }
    }
    await this.budgets.admit(owner);
    const created = await this.store.create({ ownerId: principal.id, mode, request });
    await this.accept(created);
    return { ...created, usage: emptyUsage() };
  }

  /**
   * Queues a new analysis. Accepted means replicated: the 202 goes out only once a replica
   * holds its record and its job, so a lost master cannot lose an accepted analysis. When that
   * cannot be had, the analysis is withdrawn (nothing runs) and the client is told to retry.
   */
  private async accept(created: AnalysisRecord): Promise<void> {
    try {
      await this.events.append(created.id, 'queued', { mode: created.mode });
      await this.queue.enqueue(AnalysisJob.for(created.id));
      await this.replicated.confirm(this.store.recordKey(created.id));
      await this.replicated.confirm(this.queue.storageKey);
    } catch (error) {
      // Best effort: Redis may be failing over; a worker that took the job meanwhile finds the
      // tombstone and stores nothing.
      await this.store.erase(created.id, created.ownerId).catch(() => undefined);
      await this.queue.cancel(created.id).catch(() => undefined);
      throw error;
    }
  }

  async get(principal: Principal, id: string): Promise<AnalysisRecord> {
    const found = await this.store.get(id);
    if (!found || !this.abilities.for(principal).can(Action.Read, subject(found)))
      throw new AnalysisNotFoundError();
    return this.withUsage(found);
  }

  async list(principal: Principal, query: ListAnalysesInput): Promise<ListPage> {
    const ability = this.abilities.for(principal);
    const page = await this.store.list({
      ...query,
      ownerId: readsAll(ability) ? undefined : principal.id,
    });
    return { ...page, items: await Promise.all(page.items.map((r) => this.withUsage(r))) };
  }

  /** Cancels a queued or running analysis and erases its content, result and events. */
  async delete(principal: Principal, id: string): Promise<void> {
    const found = await this.get(principal, id);
    if (!this.abilities.for(principal).can(Action.Delete, subject(found)))
      throw new ForbiddenError('You may not delete this analysis.');
    await this.store.erase(id, found.ownerId);
    if (!isFinal(found.status)) await this.queue.cancel(id);
    await this.events.announceErased(id);
  }

  /** The analysis once final, or as it is after `seconds` (or when this process stops). */
  async waitFor(principal: Principal, id: string, seconds: number): Promise<AnalysisRecord> {
    const current = await this.get(principal, id);
    if (isFinal(current.status) || seconds <= 0) return current;
    let stop: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    let stopping: Subscription | undefined;
    try {
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, seconds * 1000);
        stopping = this.stopping.subscribe(() => resolve());
        void this.events
          .listen(id, (signal) => {
            if (signal.kind === 'erased' || TERMINAL_EVENTS.includes(signal.event.type)) resolve();
          })
          .then(async (unlisten) => {
            stop = unlisten;
            // It may have finished before the subscription was in place.
            const now = await this.store.get(id);
            if (!now || isFinal(now.status)) resolve();
          }, resolve);
      });
    } finally {
      clearTimeout(timer);
      stopping?.unsubscribe();
      stop?.();
    }
    return this.get(principal, id);
  }

  /**
   * The events of an analysis for SSE: the stored ones in order, then live ones (no seq twice,
   * none skipped), heartbeats in between; completes after `completed` or `failed`, when the
   * analysis is erased, or when this process stops. With `lastEventId` (the seq of the last
   * event the client received) only later events are sent; a value that is not a seq of this
   * analysis is a ValidationFailedError.
   */
  async follow(
    principal: Principal,
    id: string,
    lastEventId?: string,
  ): Promise<Observable<StreamItem>> {
    await this.get(principal, id);
    const after = await this.resumePoint(id, lastEventId);
    return new Observable<StreamItem>((subscriber) => {
      let lastSeq = after;
      let replayed = false;
      let closed = false;
      const pending: AnalysisSignal[] = [];
      let unlisten: (() => void) | undefined;
      const finish = (): void => {
        if (closed) return;
        closed = true;
        subscriber.complete();
      };
      const deliver = (signal: AnalysisSignal): void => {
        if (closed) return;
        if (signal.kind === 'erased') return finish();
        const { event } = signal;
        if (event.seq <= lastSeq) {
          // The client has it already; if it was the last one, there is nothing to follow.
          if (TERMINAL_EVENTS.includes(event.type)) finish();
          return;
        }
        lastSeq = event.seq;
        subscriber.next({ event });
        if (TERMINAL_EVENTS.includes(event.type)) finish();
      };
      const heartbeat = setInterval(
        () => subscriber.next({ heartbeat: new Date().toISOString() }),
        this.config.heartbeatMs,
      );
      void (async () => {
        unlisten = await this.events.listen(id, (signal) =>
          replayed ? deliver(signal) : pending.push(signal),
        );
        // From the client's last event on: if that one ended the analysis, the stream ends.
        const history = await this.events.history(id, Math.max(1, after));
        for (const event of history) deliver({ kind: 'event', event });
        // Published while the log was read: only what the log did not hold yet.
        for (const signal of pending.splice(0)) deliver(signal);
        replayed = true;
        if (!closed && history.length === 0 && !(await this.store.get(id))) finish();
      })().catch((error: unknown) => subscriber.error(error));
      return () => {
        closed = true;
        clearInterval(heartbeat);
        unlisten?.();
      };
    }).pipe(takeUntil(this.stopping));
  }

  private async cached(ownerId: string, cacheKey: string): Promise<AnalysisRecord | undefined> {
    const id = await this.store.cachedId(cacheKey);
    if (!id) return undefined;
    const earlier = await this.store.get(id);
    // The key carries the owner already; the check keeps a stale entry from ever crossing.
    // A degraded result is never served again (workers do not remember one either).
    return earlier?.ownerId === ownerId &&
      earlier.status === 'completed' &&
      earlier.result?.degraded === false
      ? earlier
      : undefined;
  }

  /** The record with what it has cost so far (an answer from cache cost nothing). */
  private async withUsage(found: AnalysisRecord): Promise<AnalysisRecord> {
    const usage = found.cached
      ? emptyUsage()
      : await this.usage.forAnalysis(found.ownerId, found.id);
    return { ...found, usage };
  }

  /** The seq after which a stream resumes: 0 without a `Last-Event-ID`. */
  private async resumePoint(id: string, lastEventId?: string): Promise<number> {
    if (lastEventId === undefined) return 0;
    const field = 'Last-Event-ID';
    if (!EVENT_ID.test(lastEventId.trim()))
      throw new ValidationFailedError([
        { field, message: 'must be the id of an event of this stream (its seq, a whole number)' },
      ]);
    const seq = Number(lastEventId.trim());
    const stored = await this.events.count(id);
    if (seq > stored)
      throw new ValidationFailedError([
        { field, message: `is after the last event of this analysis (${stored})` },
      ]);
    return seq;
  }
}

function subject(found: AnalysisRecord): AnalysisRecord {
  return record('Analysis', { ...found });
}

/** Whether the ability reads analyses without an ownership condition (administrators). */
function readsAll(ability: AppAbility): boolean {
  return ability
    .rulesFor(Action.Read, 'Analysis')
    .some((rule) => !rule.inverted && !rule.conditions);
}
