import { Injectable, Logger } from '@nestjs/common';
import { EncryptionService } from '@techsapo/audit';
import { RedisConnection, RedisService, describeError } from '@techsapo/core';
import type { AnalysisEvent } from '../analysis/analysis.types';
import { AnalysisStore } from '../store/analysis.store';
import type { AnalysisSignal } from './analysis-events';

/** An event as stored: what it is, when, and its data (the log gives its seq). */
export type StoredAnalysisEvent = Pick<AnalysisEvent, 'type' | 'at' | 'data'>;

/** Appends to the log, renews its expiry and publishes `<id>|<seq>|<envelope>`; the seq. */
const APPEND = `local n = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4] .. '|' .. n .. '|' .. ARGV[1])
return n`;

/**
 * Analysis events in Redis: each analysis' event log (a list of encrypted envelopes in the
 * analysis' hash-tag slot, expiring with the analysis; an event's position is its seq), and one
 * pub/sub channel on which every process hears every event (`<id>|<seq>|<envelope>`) and every
 * erasure (`<id>|0|erased`).
 */
@Injectable()
export class AnalysisEventsStore {
  private readonly logger = new Logger(AnalysisEventsStore.name);
  private subscriber?: RedisConnection;

  constructor(
    private readonly redis: RedisService,
    private readonly analyses: AnalysisStore,
    private readonly encryption: EncryptionService,
  ) {}

  private get channel(): string {
    return this.redis.key('analysis-events');
  }

  /** Stores and publishes one event; resolves with its seq once stored. */
  async append(analysisId: string, event: StoredAnalysisEvent): Promise<number> {
    const sealed = this.encryption.encrypt(JSON.stringify(event), context(analysisId));
    // redis-slot: one key (the channel is not a key).
    return (await this.redis.client.eval(
      APPEND,
      1,
      this.analyses.eventsKey(analysisId),
      sealed,
      this.analyses.retentionSeconds,
      this.channel,
      analysisId,
    )) as number;
  }

  async publishErased(analysisId: string): Promise<void> {
    await this.redis.client.publish(this.channel, `${analysisId}|0|erased`);
  }

  /** The stored events of an analysis in order, from the one with seq `from` (≥ 1). */
  async read(analysisId: string, from: number): Promise<AnalysisEvent[]> {
    const sealed = await this.redis.client.lrange(
      this.analyses.eventsKey(analysisId),
      from - 1,
      -1,
    );
    return sealed.map((envelope, index) => this.open(analysisId, from + index, envelope));
  }

  count(analysisId: string): Promise<number> {
    return this.redis.client.llen(this.analyses.eventsKey(analysisId));
  }

  /**
   * Subscribes on a connection of its own; each signal of an analysis `wanted` says yes to is
   * opened and given to `onSignal` (the others are not decrypted). Resolves once subscribed.
   */
  async subscribe(
    wanted: (analysisId: string) => boolean,
    onSignal: (signal: AnalysisSignal) => void,
  ): Promise<void> {
    const subscriber = this.redis.createConnection('analysis-events', {
      enableReadyCheck: false,
      maxRetriesPerRequest: null,
    });
    subscriber.on('message', (_channel: string, message: string) => {
      const signal = this.signalOf(message, wanted);
      if (signal) onSignal(signal);
    });
    this.subscriber = subscriber;
    await subscriber.subscribe(this.channel);
  }

  /** Ends the subscription's connection. */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private signalOf(
    message: string,
    wanted: (analysisId: string) => boolean,
  ): AnalysisSignal | undefined {
    const first = message.indexOf('|');
    const second = message.indexOf('|', first + 1);
    if (first < 0 || second < 0) return undefined;
    const analysisId = message.slice(0, first);
    if (!wanted(analysisId)) return undefined;
    const seq = Number(message.slice(first + 1, second));
    const body = message.slice(second + 1);
    if (body === 'erased') return { kind: 'erased', analysisId };
    try {
      return { kind: 'event', event: this.open(analysisId, seq, body) };
    } catch (error) {
      this.logger.warn(`unreadable event of ${analysisId}: ${describeError(error)}`);
      return undefined;
    }
  }

  private open(analysisId: string, seq: number, envelope: string): AnalysisEvent {
    const { type, at, data } = JSON.parse(
      this.encryption.decryptText(envelope, context(analysisId)),
    ) as StoredAnalysisEvent;
    return { type, analysisId, seq, at, data };
  }
}

/** The encryption context of an analysis' events. */
function context(analysisId: string): string {
  return `analysis:${analysisId}:event`;
}
