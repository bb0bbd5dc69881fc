import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ForbiddenError, NotFoundError, Principal } from '@techsapo/core';
import { Action, AbilityFactory, AppAbility, record } from '@techsapo/security';
import { Observable, ReplaySubject, Subscription, takeUntil } from 'rxjs';
import type {
  AnalysisEvent,
  AnalysisMode,
  SecurityFlag,
  TaskType,
} from '../analysis/analysis.types';
import { analysesConfig } from '../config/analyses.config';
import { AnalysisEvents, AnalysisSignal, TERMINAL_EVENTS } from '../events/analysis-events';
import { AnalysisJob } from '../queue/analysis-job';
import { AnalysisQueue } from '../queue/analysis-queue';
import { AnalysisRecord, isFinal, StoredRequest } from '../store/analysis-record';
import { AnalysisStore, ListPage } from '../store/analysis.store';

export interface CreateAnalysisInput {
  content: string;
  mode?: AnalysisMode;
  providers?: string[];
  taskType?: TaskType;
  language?: string;
  cache?: boolean;
  metadata?: { source?: string; ref?: string };
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

/**
 * Analyses as their owners see them: create (answered from the owner's cache when an
 * identical request finished recently), read, list, wait, follow, cancel and erase. Another
 * user's analysis is reported as not found, so its existence is not revealed.
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
    const mode = input.mode ?? 'parallel';
    const request: StoredRequest = {
      content: input.content,
      mode,
      providers: input.providers,
      taskType: input.taskType,
      language: input.language,
      metadata: input.metadata,
      flags: context.flags ?? [],
      requestId: context.requestId,
    };
    request.cacheKey = this.store.cacheKey(principal.id, request);
    if (input.cache !== false) {
      const earlier = await this.cached(principal.id, request.cacheKey);
      if (earlier?.result) {
        const reused = await this.store.create({
          ownerId: principal.id,
          mode,
          request,
          result: earlier.result,
        });
        await this.events.append(reused.id, 'completed', {
          status: 'completed',
          cached: true,
          degraded: earlier.result.degraded,
          confidence: earlier.result.confidence,
          consensus: earlier.result.consensus.score,
        });
        return reused;
      }
    }
    const created = await this.store.create({ ownerId: principal.id, mode, request });
    await this.events.append(created.id, 'queued', { mode });
    await this.queue.enqueue(AnalysisJob.for(created.id));
    return created;
  }

  async get(principal: Principal, id: string): Promise<AnalysisRecord> {
    const found = await this.store.get(id);
    if (!found || !this.abilities.for(principal).can(Action.Read, subject(found)))
      throw new AnalysisNotFoundError();
    return found;
  }

  async list(principal: Principal, query: ListAnalysesInput): Promise<ListPage> {
    const ability = this.abilities.for(principal);
    return this.store.list({ ...query, ownerId: readsAll(ability) ? undefined : principal.id });
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
   * analysis is erased, or when this process stops.
   */
  async follow(principal: Principal, id: string): Promise<Observable<StreamItem>> {
    await this.get(principal, id);
    return new Observable<StreamItem>((subscriber) => {
      let lastSeq = 0;
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
        if (event.seq <= lastSeq) return;
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
        const history = await this.events.history(id);
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
    return earlier?.ownerId === ownerId && earlier.status === 'completed' ? earlier : undefined;
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
