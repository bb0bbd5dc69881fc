import type {
  AnalysisEvent,
  AnalysisRecord,
  AnalysisResult,
  StreamItem,
} from '@techsapo/wall-bounce';
import type { Observable } from 'rxjs';
import {
  chunk,
  contentOf,
  createdOf,
  extensionOf,
  usageOf,
  type ChatCompletionChunk,
} from './chat-completion';
import { type OpenAiError, problemAsOpenAiError } from './openai-error';

/** Where the stream writes (the raw response) and how it reads the finished analysis. */
export interface ChatStreamTarget {
  write(text: string): void;
  end(): void;
  /** The analysis once final (the `completed` or `failed` event was seen). */
  final(): Promise<AnalysisRecord>;
}

export interface ChatStreamOptions {
  analysis: AnalysisRecord;
  model: string;
  json: boolean;
  includeUsage: boolean;
}

const data = (payload: ChatCompletionChunk | OpenAiError | '[DONE]'): string =>
  `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;

/** Progress as an SSE comment: OpenAI's SDKs skip comments, a curious client reads them. */
function progressComment(event: AnalysisEvent): string {
  const provider = typeof event.data.provider === 'string' ? ` ${event.data.provider}` : '';
  const role = typeof event.data.role === 'string' ? ` ${event.data.role}` : '';
  return `: ${event.type}${provider}${role}\n\n`;
}

/**
 * Writes an analysis as OpenAI's `chat.completion.chunk` stream: the assistant role first,
 * then the aggregator's answer as it is written (`answer_delta`), progress and heartbeats as
 * comments, and once the analysis is final whatever the deltas did not carry (an answer from
 * cache, a JSON answer, a peer's answer standing in, a fallback aggregator's), the degraded
 * note, the last chunk with `finish_reason` and the `techsapo` figures, the usage chunk when
 * asked, and `[DONE]`. A failed analysis ends with an OpenAI error event instead (the SDKs
 * raise it); a stream that ends before the analysis (this instance stops) ends with one too.
 */
export function streamChatCompletion(
  events: Observable<StreamItem>,
  target: ChatStreamTarget,
  options: ChatStreamOptions,
): () => void {
  const { analysis, model } = options;
  const created = createdOf(analysis);
  const send = (
    delta: ChatCompletionChunk['choices'][number]['delta'],
    finish: 'stop' | null = null,
  ) => target.write(data(chunk(analysis.id, created, model, delta, finish)));
  let streamed = '';
  let writer: string | undefined;
  let finished = false;

  send({ role: 'assistant', content: '' });
  const onDelta = (event: AnalysisEvent): void => {
    const text = typeof event.data.text === 'string' ? event.data.text : '';
    const provider = String(event.data.provider ?? '');
    if (writer !== undefined && provider !== writer) {
      // A fallback aggregator starts over: what was sent cannot be taken back, so say so.
      const note = `\n\n[TechSapo: aggregator ${writer} failed while writing; ${provider} writes the answer instead.]\n\n`;
      send({ content: note });
      streamed = '';
    }
    writer = provider;
    streamed += text;
    if (text) send({ content: text });
  };
  const complete = async (): Promise<void> => {
    const record = await target.final();
    if (record.status !== 'completed' || !record.result) {
      target.write(data(failureOf(record)));
      return;
    }
    const result: AnalysisResult = record.result;
    const rest = remainderOf(result.answer, streamed);
    if (rest) send({ content: rest });
    const full = contentOf(result, options.json);
    if (full.length > result.answer.length) send({ content: full.slice(result.answer.length) });
    target.write(
      data({
        ...chunk(analysis.id, created, model, {}, 'stop'),
        techsapo: extensionOf(record, model),
      }),
    );
    if (options.includeUsage)
      target.write(
        data({ ...chunk(analysis.id, created, model, {}), choices: [], usage: usageOf(record) }),
      );
    target.write(data('[DONE]'));
  };

  const subscription = events.subscribe({
    next: (item) => {
      if ('heartbeat' in item) return target.write(`: heartbeat ${item.heartbeat}\n\n`);
      const { event } = item;
      if (event.type === 'answer_delta') return onDelta(event);
      target.write(progressComment(event));
      if (event.type === 'completed' || event.type === 'failed') finished = true;
    },
    error: () => {
      target.write(data(pending(analysis.id)));
      target.end();
    },
    complete: () => {
      if (!finished) {
        target.write(data(pending(analysis.id)));
        return target.end();
      }
      complete().then(
        () => target.end(),
        () => {
          target.write(data(pending(analysis.id)));
          target.end();
        },
      );
    },
  });
  return () => subscription.unsubscribe();
}

/** What of the final answer the deltas did not carry (all of it when they carried another). */
function remainderOf(answer: string, streamed: string): string {
  if (!streamed) return answer;
  if (answer.startsWith(streamed)) return answer.slice(streamed.length);
  return `\n\n[TechSapo: the final answer differs from the text streamed above; it follows in full.]\n\n${answer}`;
}

function failureOf(record: AnalysisRecord): OpenAiError {
  if (record.error) return problemAsOpenAiError(record.error);
  return pending(record.id);
}

/** The stream ended before the analysis did: it goes on, and can be read through the REST API. */
export function pending(id: string): OpenAiError {
  return {
    error: {
      message: `The analysis ${id} is still running and this stream has ended; read its result at /api/v1/analyses/${id}.`,
      type: 'server_error',
      param: null,
      code: 'analysis_still_running',
    },
  };
}
