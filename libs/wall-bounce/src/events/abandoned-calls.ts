import type { AnalysisEvent, AnalysisEventType } from '../analysis/analysis.types';

/** A provider call an earlier attempt started and never ended: its worker stopped. */
export interface AbandonedCall {
  /** The `provider_started` event's data (provider, role, step …). */
  call: Record<string, unknown>;
  /** The attempt the call belonged to. */
  attempt: number;
}

const ENDS: readonly AnalysisEventType[] = [
  'provider_completed',
  'provider_failed',
  'provider_abandoned',
];

/**
 * The `provider_started` events of an event log that no later outcome of the same attempt
 * (`provider_completed`, `provider_failed`, or an earlier `provider_abandoned`) closes. A
 * start and an outcome are the same call when the outcome repeats every field of the start.
 */
export function abandonedCalls(log: readonly AnalysisEvent[]): AbandonedCall[] {
  const open: AbandonedCall[] = [];
  let attempt = 1;
  let started = 0;
  for (const event of log) {
    if (event.type === 'started') {
      started += 1;
      attempt = positiveInteger(event.data.attempt) ?? started;
    } else if (event.type === 'provider_started') {
      open.push({ call: event.data, attempt });
    } else if (ENDS.includes(event.type)) {
      const of =
        event.type === 'provider_abandoned' ? positiveInteger(event.data.attempt) : attempt;
      const index = open.findIndex((c) => c.attempt === of && repeats(event.data, c.call));
      if (index >= 0) open.splice(index, 1);
    }
  }
  return open;
}

function repeats(outcome: Record<string, unknown>, start: Record<string, unknown>): boolean {
  return Object.entries(start).every(([k, v]) => JSON.stringify(outcome[k]) === JSON.stringify(v));
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
