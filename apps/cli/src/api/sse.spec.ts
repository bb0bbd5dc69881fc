import { readServerSentEvents, type ServerSentEvent } from './sse';

const bytes = (text: string) => new TextEncoder().encode(text);
async function collect(chunks: Uint8Array[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(
    (async function* () {
      yield* chunks;
    })(),
  )) {
    events.push(event);
  }
  return events;
}

describe('readServerSentEvents', () => {
  it('reads named events with ids and JSON data, skipping heartbeat comments', async () => {
    const stream =
      ': connected\n\n' +
      'id: 1\nevent: queued\ndata: {"type":"queued","seq":1}\n\n' +
      ': heartbeat\n\n' +
      'id: 2\nevent: started\ndata: {"type":"started","seq":2}\n\n';
    expect(await collect([bytes(stream)])).toEqual([
      { event: 'queued', data: '{"type":"queued","seq":1}', id: '1' },
      { event: 'started', data: '{"type":"started","seq":2}', id: '2' },
    ]);
  });

  it('joins fields split across chunks, even inside a multi-byte character', async () => {
    const whole = bytes('event: completed\ndata: {"answer":"caf\u00e9 \u2713"}\n\n');
    const chunks = [whole.slice(0, 5), whole.slice(5, 29), whole.slice(29, 30), whole.slice(30)];
    expect(await collect(chunks)).toEqual([
      { event: 'completed', data: '{"answer":"caf\u00e9 \u2713"}', id: undefined },
    ]);
  });

  it('handles CRLF line ends, multi-line data and events without a name', async () => {
    const stream = 'data: first line\r\ndata: second line\r\n\r\ndata: {"type":"failed"}\r\n\r\n';
    expect(await collect([bytes(stream)])).toEqual([
      { event: 'message', data: 'first line\nsecond line', id: undefined },
      { event: 'message', data: '{"type":"failed"}', id: undefined },
    ]);
  });

  it('drops an event cut off before its blank line (the stream ended early)', async () => {
    expect(await collect([bytes('event: completed\ndata: {}\n')])).toEqual([]);
  });
});
