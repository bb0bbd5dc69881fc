import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { AnalysisEvent, AnalysisEventType } from '../analysis/analysis.types';
import { AnalysisEventsStore } from './analysis-events.store';

/** What travels on the pub/sub channel besides events. */
export type AnalysisSignal =
  | { kind: 'event'; event: AnalysisEvent }
  /** The analysis was cancelled and erased: workers stop, streams end. */
  | { kind: 'erased'; analysisId: string };

export type SignalListener = (signal: AnalysisSignal) => void;

export const TERMINAL_EVENTS: readonly AnalysisEventType[] = ['completed', 'failed'];

/**
 * Progress events of analyses. Each is appended to the analysis' event log (its position is
 * its `seq`) and published to every process (AnalysisEventsStore), so an SSE stream served by
 * an API process sees what a worker does. A late reader gets the log first, then live events
 * after the last seq it has seen. One subscription per process, opened for the first listener,
 * hands each analysis' signals to that analysis' listeners.
 */
@Injectable()
export class AnalysisEvents implements OnApplicationShutdown {
  private subscribed?: Promise<void>;
  private readonly listeners = new Map<string, Set<SignalListener>>();

  constructor(private readonly store: AnalysisEventsStore) {}

  /** Appends and publishes one event; resolves with it (and its seq) once stored. */
  async append(
    analysisId: string,
    type: AnalysisEventType,
    data: Record<string, unknown> = {},
  ): Promise<AnalysisEvent> {
    const at = new Date().toISOString();
    const seq = await this.store.append(analysisId, { type, at, data });
    return { type, analysisId, seq, at, data };
  }

  /** Tells every process the analysis is gone (workers abort it, streams end). */
  announceErased(analysisId: string): Promise<void> {
    return this.store.publishErased(analysisId);
  }

  /** The stored events of an analysis in order, from the one with seq `from`. */
  history(analysisId: string, from = 1): Promise<AnalysisEvent[]> {
    return this.store.read(analysisId, Math.max(1, from));
  }

  /** How many events an analysis has stored (the seq of the last one). */
  count(analysisId: string): Promise<number> {
    return this.store.count(analysisId);
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
    this.subscribed = undefined;
    await this.store.close();
  }

  private ensureSubscribed(): Promise<void> {
    if (!this.subscribed) {
      this.subscribed = this.store.subscribe(
        (analysisId) => this.listeners.has(analysisId),
        (signal) => this.dispatch(signal),
      );
      this.subscribed.catch(() => (this.subscribed = undefined));
    }
    return this.subscribed;
  }

  private dispatch(signal: AnalysisSignal): void {
    const analysisId = signal.kind === 'event' ? signal.event.analysisId : signal.analysisId;
    const listeners = this.listeners.get(analysisId);
    if (!listeners) return;
    for (const listener of [...listeners]) listener(signal);
  }
}
