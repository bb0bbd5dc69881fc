import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpHttpTransport } from './mcp-http-transport';

const ACCEPT = 'application/json, text/event-stream';
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 't', version: '1' },
  },
};

/**
 * One session's transport behind a node:http server that parses the body as the app's route
 * does, with the SDK's Server on it: a tools/list that waits until `release` is called
 * (`listing` settles once it runs).
 */
async function session(): Promise<{
  url: string;
  server: Server;
  transport: McpHttpTransport;
  listing: Promise<void>;
  release: () => void;
  stop: () => Promise<void>;
}> {
  const server = new Server({ name: 'test', version: '1' }, { capabilities: { tools: {} } });
  let started = (): void => undefined;
  const listing = new Promise<void>((resolve) => (started = resolve));
  let released = (): void => undefined;
  const release = new Promise<void>((resolve) => (released = resolve));
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    started();
    await release;
    return { tools: [] };
  });
  const transport = new McpHttpTransport({ sessionIdGenerator: () => 'session-1' });
  await server.connect(transport);
  const http: HttpServer = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      void transport.handle({ method: req.method ?? 'GET', headers: req.headers, body }, res);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    transport,
    listing,
    release: released,
    stop: async () => {
      await server.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { accept: ACCEPT, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const inSession = { 'mcp-session-id': 'session-1', 'mcp-protocol-version': '2025-06-18' };

describe('McpHttpTransport', () => {
  let s: Awaited<ReturnType<typeof session>>;
  beforeEach(async () => {
    s = await session();
  });
  afterEach(() => s.stop());

  it('opens the session on initialize, once, and answers JSON with its id', async () => {
    const opened = await post(s.url, INITIALIZE);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toBe('application/json');
    expect(opened.headers.get('mcp-session-id')).toBe('session-1');
    expect(await opened.json()).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { protocolVersion: '2025-06-18', serverInfo: { name: 'test' } },
    });
    const again = await post(s.url, { ...INITIALIZE, id: 2 });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: { code: -32600 }, id: null });
  });

  it('refuses what is not a JSON-RPC POST the spec allows', async () => {
    expect((await post(s.url, INITIALIZE, { accept: 'application/json' })).status).toBe(406);
    expect((await post(s.url, INITIALIZE, { 'content-type': 'text/plain' })).status).toBe(415);
    const garbage = await post(s.url, { jsonrpc: '2.0', id: 1 });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ error: { code: -32700 } });
    const extraKey = await post(s.url, { ...INITIALIZE, extra: true });
    expect(extraKey.status).toBe(400);
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ ...INITIALIZE, id: i }));
    expect((await post(s.url, tooMany)).status).toBe(400);
    // Initialize must travel alone.
    expect((await post(s.url, [INITIALIZE, { ...INITIALIZE, id: 2 }])).status).toBe(400);
  });

  it('checks the session and protocol version of every later request', async () => {
    const ping = { jsonrpc: '2.0', id: 5, method: 'ping' };
    expect((await post(s.url, ping, inSession)).status).toBe(400); // not initialized yet
    await post(s.url, INITIALIZE);
    expect((await post(s.url, ping)).status).toBe(400);
    expect((await post(s.url, ping, { ...inSession, 'mcp-session-id': 'other' })).status).toBe(404);
    const version = await post(s.url, ping, { ...inSession, 'mcp-protocol-version': '1999-01-01' });
    expect(version.status).toBe(400);
    const ok = await post(s.url, ping, inSession);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
  });

  it('answers notifications with 202 and a batch of requests with one array, in order', async () => {
    await post(s.url, INITIALIZE);
    const notified = await post(
      s.url,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      inSession,
    );
    expect(notified.status).toBe(202);
    expect(await notified.text()).toBe('');
    const batch = post(
      s.url,
      [
        { jsonrpc: '2.0', id: 'list', method: 'tools/list' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 'ping', method: 'ping' },
      ],
      inSession,
    );
    // The list answers last, the array keeps the order of the requests.
    await s.listing;
    s.release();
    const answered = await batch;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual([
      { jsonrpc: '2.0', id: 'list', result: { tools: [] } },
      { jsonrpc: '2.0', id: 'ping', result: {} },
    ]);
  });

  it('streams what the server sends outside a request on GET, one stream at a time', async () => {
    await post(s.url, INITIALIZE);
    expect(
      (await fetch(s.url, { headers: { accept: 'application/json', ...inSession } })).status,
    ).toBe(406);
    const stream = await fetch(s.url, { headers: { accept: 'text/event-stream', ...inSession } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const second = await fetch(s.url, { headers: { accept: 'text/event-stream', ...inSession } });
    expect(second.status).toBe(409);
    await s.server.sendToolListChanged();
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe(
      'event: message\ndata: {"method":"notifications/tools/list_changed","jsonrpc":"2.0"}\n\n',
    );
    await reader.cancel();
  });

  it('ends the session on DELETE: the request still running hears 404, as does the next', async () => {
    await post(s.url, INITIALIZE);
    const running = post(s.url, { jsonrpc: '2.0', id: 9, method: 'tools/list' }, inSession);
    await s.listing;
    const ended = await fetch(s.url, { method: 'DELETE', headers: inSession });
    expect(ended.status).toBe(200);
    expect((await running).status).toBe(404);
    expect((await post(s.url, { jsonrpc: '2.0', id: 10, method: 'ping' }, inSession)).status).toBe(
      404,
    );
  });
});
