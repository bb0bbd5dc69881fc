import { AnalysesApi } from '../api/client';
import { readServerSentEvents } from '../api/sse';
import { isTerminal, type Analysis } from '../api/types';
import { ServerError } from '../errors';
import { describeEvent, toProgressEvent } from './progress';

export interface WatchOptions {
  /** When to stop waiting (epoch ms). */
  deadline: number;
  /** Progress lines for stderr. */
  report: (line: string) => void;
  /** Between two reads of the analysis when the stream is not available. */
  pollIntervalMs?: number;
  /** While the stream is open, how often the analysis is read in case its end was missed. */
  streamCheckMs?: number;
}

const TERMINAL_EVENTS = new Set(['completed', 'failed']);
/** Answers that polling would only repeat. */
const FATAL = new Set([401, 403, 429]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Follows an analysis to its end: live from the events stream, reporting each event, then
 * reads the final Analysis. If the stream is unavailable or drops early, the analysis is
 * polled instead. Resolves with the last Analysis read, terminal or not (deadline passed).
 */
export async function watchAnalysis(
  api: AnalysesApi,
  created: Analysis,
  options: WatchOptions,
): Promise<Analysis> {
  if (isTerminal(created)) return created;
  const remaining = () => options.deadline - Date.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(0, remaining()));
  // A stream that goes quiet (a proxy buffering it, a lost last event) must not outlast the result.
  const check = setInterval(() => {
    api.get(created.id).then(
      (analysis) => isTerminal(analysis) && abort.abort(),
      () => undefined,
    );
  }, options.streamCheckMs ?? 15_000);
  try {
    const body = await api.events(created.id, abort.signal);
    for await (const message of readServerSentEvents(body)) {
      const event = toProgressEvent(message);
      if (!event) continue;
      options.report(describeEvent(event));
      if (TERMINAL_EVENTS.has(event.type)) break;
    }
  } catch (error) {
    // Credentials and rate limits end the run; a missing or broken stream falls back to polling.
    if (error instanceof ServerError && FATAL.has(error.status ?? 0)) throw error;
    if (!abort.signal.aborted) options.report('event stream unavailable; polling instead');
  } finally {
    clearTimeout(timer);
    clearInterval(check);
    abort.abort();
  }
  let analysis = await api.get(created.id);
  let status = analysis.status;
  while (!isTerminal(analysis) && remaining() > 0) {
    await sleep(Math.min(options.pollIntervalMs ?? 1000, Math.max(0, remaining())));
    analysis = await api.get(created.id);
    if (analysis.status !== status) options.report((status = analysis.status));
  }
  return analysis;
}
