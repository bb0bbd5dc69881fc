import type { AnalysisEventPayload } from '../api/types';
import type { ServerSentEvent } from '../api/sse';

/** An event of the stream as the CLI uses it: its type and its `data` fields. */
export interface ProgressEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * The event an SSE message carries: the `event:` field names the type (else the JSON's
 * `type`); the JSON is the AnalysisEvent, whose `data` holds the details. Undefined for
 * heartbeats and anything that is not a JSON object.
 */
export function toProgressEvent(message: ServerSentEvent): ProgressEvent | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const event = payload as AnalysisEventPayload & Record<string, unknown>;
  const type = message.event !== 'message' ? message.event : event.type;
  if (typeof type !== 'string' || type === 'heartbeat' || type === 'ping') return undefined;
  const data =
    typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data)
      ? event.data
      : event;
  return { type, data };
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.replace(/\s+/g, ' ').slice(0, 200)
    : typeof value === 'number'
      ? String(value)
      : undefined;

/** One human line for stderr, e.g. `provider openai completed (812 ms)`. */
export function describeEvent(event: ProgressEvent): string {
  const d = event.data;
  const provider = text(d.provider) ?? text(d.name);
  const model = text(d.model);
  const role = text(d.role);
  const who = provider
    ? `provider ${provider}${model ? ` (${model})` : ''}${role ? ` as ${role}` : ''}`
    : 'provider';
  const latency = typeof d.latencyMs === 'number' ? ` in ${Math.round(d.latencyMs)} ms` : '';
  const problem =
    typeof d.error === 'object' && d.error !== null
      ? (d.error as { title?: unknown; detail?: unknown })
      : undefined;
  const reason =
    text(d.error) ??
    text(problem?.detail) ??
    text(problem?.title) ??
    text(d.reason) ??
    text(d.detail);
  const status = text(d.status);
  const why = status && reason ? `${status} (${reason})` : (reason ?? status);
  switch (event.type) {
    case 'queued':
      return 'queued';
    case 'started':
      return 'started';
    case 'provider_started':
      return `${who} started`;
    case 'provider_completed':
      return `${who} answered${latency}`;
    case 'provider_failed':
      return `${who} failed${why ? `: ${why}` : ''}`;
    case 'review_completed':
      return `review completed${provider ? ` by ${provider}` : ''}`;
    case 'aggregating':
      return `aggregating the answers${provider ? ` (${provider})` : ''}`;
    case 'completed': {
      // The worker sends the score itself; an object { score } is read too.
      const score =
        typeof d.consensus === 'object' && d.consensus !== null
          ? (d.consensus as { score?: unknown }).score
          : d.consensus;
      return typeof score === 'number' ? `completed (consensus ${score.toFixed(2)})` : 'completed';
    }
    case 'failed':
      return `failed${reason ? `: ${reason}` : ''}`;
    default:
      return event.type.replace(/_/g, ' ');
  }
}
