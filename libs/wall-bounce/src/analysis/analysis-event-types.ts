/**
 * The event types of an analysis's progress stream. Kept free of imports: the console reads this
 * list too, to listen to every type the server sends.
 */
export const ANALYSIS_EVENT_TYPES = [
  'queued',
  'started',
  'provider_started',
  'provider_completed',
  'provider_failed',
  /** A peer's answer (text, verdict, findings) as it arrives. */
  'answer',
  'review_completed',
  'aggregating',
  /** A piece of the aggregator's answer as it is written. */
  'answer_delta',
  /** A provider call of an earlier attempt that a worker takeover left without an outcome. */
  'provider_abandoned',
  'completed',
  'failed',
] as const;
export type AnalysisEventType = (typeof ANALYSIS_EVENT_TYPES)[number];
