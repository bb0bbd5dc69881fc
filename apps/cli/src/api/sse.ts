import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ServerSentEvent {
  /** The `event:` field; `message` when the server sent none (as in EventSource). */
  event: string;
  data: string;
  id?: string;
}

/**
 * The events of a text/event-stream body, in order, as they arrive. Comments (heartbeats)
 * are skipped; fields split across network chunks and CRLF line ends are the parser's job.
 */
export async function* readServerSentEvents(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const ready: ServerSentEvent[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) =>
      ready.push({ event: message.event ?? 'message', data: message.data, id: message.id }),
  });
  const decoder = new TextDecoder();
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (ready.length > 0) yield ready.shift() as ServerSentEvent;
  }
  parser.feed(decoder.decode());
  while (ready.length > 0) yield ready.shift() as ServerSentEvent;
}
