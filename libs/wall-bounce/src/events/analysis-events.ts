import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EncryptionService } from '@techsapo/audit';
import { RedisConnection, RedisService, describeError } from '@techsapo/core';
import type { AnalysisEvent, AnalysisEventType } from '../analysis/analysis.types';
import { AnalysisStore } from '../store/analysis.store';

/** What travels on the pub/sub channel besides events. */
export type AnalysisSignal =
  | { kind: 'event'; event: AnalysisEvent }
  /** The analysis was cancelled and erased: workers stop, streams end. */
  | { kind: 'erased'; analysisId: string };

export type SignalListener = (signal: AnalysisSignal) => void;

export const TERMINAL_EVENTS: readonly AnalysisEventType[] = ['completed', 'failed'];

/**
 * Progress events of analyses. Each is appended to the analysis' event log (encrypted, in the
 * analysis' hash-tag slot; its position is its `seq`) and published on one channel that every
 * process subscribes to, so an SSE stream served by an API process sees what a worker does.
 * A late reader gets the log first, then live events after the last seq it has seen.
 */
@Injectable()
export class AnalysisEvents implements OnApplicationShutdown {
  private readonly logger = new Logger(AnalysisEvents.name);
  private subscriber?: RedisConnection;
  private subscribed?: Promise<void>;
  private readonly listeners = new Map<string, Set<SignalListener>>();

  constructor(
    private readonly redis: RedisService,
    private readonly store: AnalysisStore,
    private readonly encryption: EncryptionService,
  ) {}

  get channel(): string {
    return this.redis.key('analysis-events');
  }

  /** Appends and publishes one event; resolves with it (and its seq) once stored. */
  async append(
    analysisId: string,
    type: AnalysisEventType,
    data: Record<string, unknown> = {},
  ): Promise<AnalysisEvent> {
    const at = new Date().toISOString();
    const sealed = this.encryption.encrypt(
      JSON.stringify({ type, at, data }),
      `analysis:${analysisId}:event`,
    );
    // redis-slot: one key (the channel is not a key).
    const seq = (await this.redis.client.eval(
      `local n = redis.call('RPUSH', KEYS[1], ARGV[1])
       redis.call('EXPIRE', KEYS[1], ARGV[2])
       redis.call('PUBLISH', ARGV[3], ARGV[4] .. '|' .. n .. '|' .. ARGV[1])
       return n`,
      1,
      this.store.eventsKey(analysisId),
      sealed,
      this.store.retentionSeconds,
      this.channel,
      analysisId,
    )) as number;
    return { type, analysisId, seq, at, data };
  }

  /** Tells every process the analysis is gone (workers abort it, streams end). */
  async announceErased(analysisId: string): Promise<void> {
    await this.redis.client.publish(this.channel, `${analysisId}|0|erased`);
  }

  /** The stored events of an analysis in order, from the one with seq `from`. */
  async history(analysisId: string, from = 1): Promise<AnalysisEvent[]> {
    const first = Math.max(1, from);
    const sealed = await this.redis.client.lrange(this.store.eventsKey(analysisId), first - 1, -1);
    return sealed.map((envelope, index) => this.open(analysisId, first + index, envelope));
  }

  /** How many events an analysis has stored (the seq of the last one). */
  async count(analysisId: string): Promise<number> {
    return this.redis.client.llen(this.store.eventsKey(analysisId));
  }

  /** Listens to one analysis' signals; resolves once the subscription is in place. */
  async listen(analysisId: string, listener: SignalListener): Promise<() => void> {
    let set = this.listeners.get(analysisId);
    if (!set) this.listeners.set(analysisId, (set = new Set()));
    set.add(listener);
    await this.ensureSubscribed();
    return () => {
      const current = this.listeners.get(analysisId);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(analysisId);
    };
  }

  /** After the running analyses drained: each listens here until it ends. */
  async onApplicationShutdown(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribed = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private ensureSubscribed(): Promise<void> {
    if (!this.subscribed) {
      const subscriber = this.redis.createConnection('analysis-events', {
        enableReadyCheck: false,
        maxRetriesPerRequest: null,
      });
      subscriber.on('message', (_channel: string, message: string) => this.dispatch(message));
      this.subscriber = subscriber;
      this.subscribed = subscriber.subscribe(this.channel).then(() => undefined);
      this.subscribed.catch(() => (this.subscribed = undefined));
    }
    return this.subscribed;
  }

  private dispatch(message: string): void {
    const first = message.indexOf('|');
    const second = message.indexOf('|', first + 1);
    if (first < 0 || second < 0) return;
    const analysisId = message.slice(0, first);
    const listeners = this.listeners.get(analysisId);
    if (!listeners) return;
    const seq = Number(message.slice(first + 1, second));
    const body = message.slice(second + 1);
    let signal: AnalysisSignal;
    try {
      signal =
        body === 'erased'
          ? { kind: 'erased', analysisId }
          : { kind: 'event', event: this.open(analysisId, seq, body) };
    } catch (error) {
      this.logger.warn(`unreadable event of ${analysisId}: ${describeError(error)}`);
      return;
    }
    for (const listener of [...listeners]) listener(signal);
  }

  private open(analysisId: string, seq: number, envelope: string): AnalysisEvent {
    const { type, at, data } = JSON.parse(
      this.encryption.decryptText(envelope, `analysis:${analysisId}:event`),
    ) as Pick<AnalysisEvent, 'type' | 'at' | 'data'>;
    return { type, analysisId, seq, at, data };
  }
}
