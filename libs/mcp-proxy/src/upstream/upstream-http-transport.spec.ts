import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  type JSONRPCMessage,
  LATEST_PROTOCOL_VERSION,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { guardedHttp, type HostLists } from './host-policy';
import { UpstreamHttpError, UpstreamHttpTransport } from './upstream-http-transport';

const OPEN: HostLists = { allow: [], block: [] };
const LIST = { jsonrpc: '2.0', id: 7, method: 'tools/list', params: {} } as const;

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
}

async function listen(
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The SDK's own server side: an McpServer per session behind StreamableHTTPServerTransport,
 * answering in SSE (the SDK's default) or JSON; `forget()` drops every session, as an
 * upstream that restarted does.
 */
async function sdkUpstream(json: boolean) {
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; mcp: McpServer }>();
  const seen: Seen[] = [];
  const { url, server } = await listen((req, res, text) => {
    seen.push({ method: req.method ?? '', headers: req.headers });
    void (async () => {
      const id = req.headers['mcp-session-id'] as string | undefined;
      let entry = id ? sessions.get(id) : undefined;
      if (!entry && !id) {
        const mcp = new McpServer({ name: 'sdk', version: '1' });
        mcp.registerTool(
          'echo',
          { inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
          async ({ text: said }) => ({ content: [{ type: 'text', text: `echo: ${said}` }] }),
        );
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          enableJsonResponse: json,
          onsessioninitialized: (sid) => void sessions.set(sid, { transport, mcp }),
        });
        await mcp.connect(transport);
        entry = { transport, mcp };
      }
      if (!entry) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          '{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}',
        );
        return;
      }
      await entry.transport.handleRequest(req, res, text ? JSON.parse(text) : undefined);
    })();
  });
  return {
    url,
    seen,
    sessions,
    forget: () => sessions.clear(),
    stop: async () => {
      for (const { mcp } of sessions.values()) await mcp.close();
      await stop(server);
    },
  };
}

function transportTo(url: string, options: Partial<{ headers: Record<string, string> }> = {}) {
  return new UpstreamHttpTransport(url, {
    http: guardedHttp(OPEN, false),
    headers: options.headers ?? {},
    maxMessageBytes: 1024,
  });
}

async function until<T>(check: () => T | undefined): Promise<T> {
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('UpstreamHttpTransport (the SDK Client to a Streamable HTTP upstream)', () => {
  for (const json of [false, true]) {
    describe(json ? 'JSON answers' : 'SSE answers', () => {
      let upstream: Awaited<ReturnType<typeof sdkUpstream>>;
      beforeEach(async () => (upstream = await sdkUpstream(json)));
      afterEach(() => upstream.stop());

      it('initialises a session and calls tools with its headers and the static ones', async () => {
        const client = new Client({ name: 'proxy', version: '1' });
        const transport = transportTo(upstream.url, {
          headers: { 'X-Team': 'platform', 'Mcp-Session-Id': 'forged' },
        });
        await client.connect(transport);
        const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
        expect(result.content).toEqual([{ type: 'text', text: 'echo: hi' }]);
        expect(transport.sessionId).toBe([...upstream.sessions.keys()][0]);
        const call = upstream.seen.filter((s) => s.method === 'POST').at(-1) as Seen;
        expect(call.headers['x-team']).toBe('platform');
        expect(call.headers['mcp-session-id']).toBe(transport.sessionId);
        expect(call.headers['mcp-protocol-version']).toBe(LATEST_PROTOCOL_VERSION);
        expect(call.headers.authorization).toBeUndefined();
        await client.close();
      });

      it("receives list changes on the session's own stream, and ends the session on close", async () => {
        const client = new Client({ name: 'proxy', version: '1' });
        let changes = 0;
        client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (changes += 1));
        const transport = transportTo(upstream.url);
        await client.connect(transport);
        const sessionId = transport.sessionId as string;
        await until(() => (upstream.seen.some((s) => s.method === 'GET') ? true : undefined));
        const { mcp } = upstream.sessions.get(sessionId) as { mcp: McpServer };
        // The GET may still be on its way to the SDK's transport: send until one arrives.
        while (changes === 0) {
          mcp.sendToolListChanged();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.close();
        const deleted = upstream.seen.find((s) => s.method === 'DELETE');
        expect(deleted?.headers['mcp-session-id']).toBe(sessionId);
      });

      it('reports a session the upstream forgot as a 404', async () => {
        const client = new Client({ name: 'proxy', version: '1' });
        await client.connect(transportTo(upstream.url));
        upstream.forget();
        const failure = await client
          .callTool({ name: 'echo', arguments: { text: 'again' } })
          .catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(UpstreamHttpError);
        expect((failure as UpstreamHttpError).status).toBe(404);
        await client.close();
      });
    });
  }

  describe('hostile upstreams', () => {
    const servers: Server[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map(stop));
    });

    /** Sends tools/list to an upstream answering `answer`; resolves to what was delivered. */
    async function exchange(
      answer: (res: ServerResponse) => void,
      lists: HostLists = OPEN,
    ): Promise<{ messages: JSONRPCMessage[]; errors: Error[] }> {
      const started = await listen((_req, res) => answer(res));
      servers.push(started.server);
      const transport = new UpstreamHttpTransport(started.url, {
        http: guardedHttp(lists, false),
        headers: {},
        maxMessageBytes: 1024,
      });
      const messages: JSONRPCMessage[] = [];
      const errors: Error[] = [];
      transport.onmessage = (m) => messages.push(m);
      transport.onerror = (e) => errors.push(e);
      await transport.start();
      try {
        await transport.send(LIST);
      } finally {
        await transport.close();
      }
      return { messages, errors };
    }

    const sse = (res: ServerResponse, ...events: string[]): void => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of events) res.write(event);
      res.end();
    };
    const answer = `{"jsonrpc":"2.0","id":7,"result":{"tools":[]}}`;

    it('reads an SSE answer split anywhere, skipping other events and comments', async () => {
      const { messages } = await exchange((res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        res.write(': keepalive\n\nevent: ping\ndata: {}\n\nid: 1\nda');
        res.write(`ta: ${answer.slice(0, 10)}`);
        res.end(`${answer.slice(10)}\n\n`);
      });
      expect(messages).toEqual([JSON.parse(answer)]);
    });

    it('fails a request whose answer stream ends without its answer', async () => {
      await expect(exchange((res) => sse(res, ': nothing\n\n'))).rejects.toThrow(
        /ended its answer stream without answering/,
      );
    });

    it('reports events that are not JSON-RPC, and goes on reading', async () => {
      const { messages, errors } = await exchange((res) =>
        sse(res, 'data: not json\n\n', 'data: {"id":7}\n\n', `data: ${answer}\n\n`),
      );
      expect(messages).toHaveLength(1);
      expect(errors.map((e) => e.message)).toEqual([
        'the upstream sent an event that is not JSON-RPC',
        'the upstream sent an event that is not JSON-RPC',
      ]);
    });

    it('cuts off an event or a JSON answer over the size limit', async () => {
      const huge = `{"jsonrpc":"2.0","id":7,"result":{"tools":[],"pad":"${'x'.repeat(2000)}"}}`;
      await expect(exchange((res) => sse(res, `data: ${huge}\n\n`))).rejects.toThrow(/over 1024/);
      await expect(
        exchange((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(huge)),
      ).rejects.toThrow(/over 1024/);
    });

    it('refuses malformed JSON, non-JSON-RPC and other media types', async () => {
      const json = (body: string) => (res: ServerResponse) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      await expect(exchange(json('{"jsonrpc":'))).rejects.toThrow(/malformed JSON/);
      await expect(exchange(json('[{"id":7}]'))).rejects.toThrow(/other than JSON-RPC/);
      await expect(
        exchange((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>')),
      ).rejects.toThrow(/unexpected content type/);
    });

    it('opens the notification stream once initialised, and again after it ended', async () => {
      const gets: string[] = [];
      const started = await listen((req, res) => {
        if (req.method === 'POST') return res.writeHead(202).end();
        gets.push(String(req.headers.accept));
        if (gets.length > 1) return res.writeHead(405).end();
        sse(res, 'data: {"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\n\n');
      });
      servers.push(started.server);
      const transport = new UpstreamHttpTransport(started.url, {
        http: guardedHttp(OPEN, false),
        headers: {},
        streamRetryMs: 1,
      });
      const messages: JSONRPCMessage[] = [];
      transport.onmessage = (m) => messages.push(m);
      await transport.start();
      await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      await until(() => (gets.length === 2 ? true : undefined));
      expect(gets).toEqual(['text/event-stream', 'text/event-stream']);
      expect(messages).toEqual([{ jsonrpc: '2.0', method: 'notifications/tools/list_changed' }]);
      await transport.close();
    });

    it('reports other statuses with their code, and refuses redirects the policy refuses', async () => {
      const failure = await exchange((res) => res.writeHead(400).end('bad')).catch((e) => e);
      expect(failure).toMatchObject({ status: 400, message: 'HTTP 400 from the upstream: bad' });
      await expect(
        exchange((res) => res.writeHead(302, { location: '/elsewhere' }).end()),
      ).rejects.toThrow(/redirect 302 would change the request/);
      await expect(
        exchange(
          (res) => res.writeHead(307, { location: 'http://a.malicious-site.com/mcp' }).end(),
          {
            allow: [],
            block: ['*malicious-site.com'],
          },
        ),
      ).rejects.toThrow(/host is blocked/);
    });
  });
});
