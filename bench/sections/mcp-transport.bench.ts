// The server side of one MCP POST, transport by transport: the same SDK Server (a tools/call
// answering a small text result, the `tools/list` of 40 tools) behind the SDK's
// StreamableHTTPServerTransport (JSON response mode, as /mcp used it) and behind
// McpHttpTransport (as /mcp uses it now), with the SDK's JSON-RPC type guards as they were
// (only initialize decided by the method first) and key first; each on node:http with the body parsed first as
// Fastify does. Timed in the server from the request's arrival to the response's 'finish',
// rounds of each alternating, one request at a time; the client is fetch in this process.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpHttpTransport } from '../../libs/mcp-proxy/src/server/mcp-http-transport';
import { prepared } from '../../libs/mcp-proxy/src/server/jsonrpc-messages';
import {
  isInitializeRequest,
  KEY_FIRST_GUARD_NAMES,
  useKeyFirstTypeGuards,
} from '../../libs/mcp-proxy/src/server/sdk-type-guards';
import type { BenchSection } from '../bench-section';

const ROUNDS = 5;
const PER_ROUND = 400;
const WARMUP = 200;
const SESSION = 'bench-session';
const HEADERS = {
  accept: 'application/json, text/event-stream',
  'content-type': 'application/json',
  'mcp-session-id': SESSION,
  'mcp-protocol-version': '2025-06-18',
};
const TOOLS = Array.from({ length: 40 }, (_, i) => ({
  name: `server__tool_${i}`,
  description: `Reads things of kind ${i} and answers them as text. `.repeat(4),
  inputSchema: {
    type: 'object' as const,
    properties: { path: { type: 'string', description: 'Where to read.' } },
    required: ['path'],
  },
  annotations: { readOnlyHint: true },
}));

/** The SDK's type guards: as /mcp had them (only initialize decided by the method first), or all key first. */
type Guards = 'initialize only' | 'key first';
// The exports object the SDK reads its guards from (a namespace import is a copy under tsx).
const sdkExports = require('@modelcontextprotocol/sdk/types.js') as Record<string, unknown>;
const schemaGuards = Object.fromEntries(KEY_FIRST_GUARD_NAMES.map((n) => [n, sdkExports[n]]));
const initializeOnly = { ...schemaGuards, isInitializeRequest };
useKeyFirstTypeGuards();
const keyFirst = Object.fromEntries(KEY_FIRST_GUARD_NAMES.map((n) => [n, sdkExports[n]]));

function useGuards(guards: Guards): void {
  Object.assign(sdkExports, guards === 'key first' ? keyFirst : initializeOnly);
}

interface Side {
  name: string;
  guards: Guards;
  handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void>;
  server: Server;
}

function toolServer(list: () => unknown): Server {
  const server = new Server({ name: 'bench', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => list() as { tools: typeof TOOLS });
  server.setRequestHandler(CallToolRequestSchema, () => ({
    content: [{ type: 'text' as const, text: 'a few lines of notes\n'.repeat(20) }],
    isError: false,
  }));
  return server;
}

async function sdkSide(guards: Guards): Promise<Side> {
  const server = toolServer(() => ({ tools: TOOLS }));
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => SESSION,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  return {
    name: `SDK StreamableHTTPServerTransport, guards ${guards}`,
    guards,
    server,
    handle: (req, res, body) => transport.handleRequest(req, res, body),
  };
}

async function oursSide(): Promise<Side> {
  const answer = prepared({ tools: TOOLS });
  const server = toolServer(() => answer);
  const transport = new McpHttpTransport({ sessionIdGenerator: () => SESSION });
  await server.connect(transport);
  return {
    name: 'McpHttpTransport, guards key first, tools/list prepared once',
    guards: 'key first',
    server,
    handle: (req, res, body) =>
      transport.handle({ method: req.method ?? 'POST', headers: req.headers, body }, res),
  };
}

/** A node:http server for one side; `times` collects the server-side ms of each request. */
async function listen(
  side: Side,
  times: number[],
): Promise<{ url: string; close: () => Promise<void> }> {
  const http = createServer((req, res) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => times.push(Number(process.hrtime.bigint() - started) / 1e6));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void side.handle(req, res, JSON.parse(Buffer.concat(chunks).toString())));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = HEADERS,
): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`POST answered ${response.status}`);
}

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const CALL = {
  jsonrpc: '2.0',
  method: 'tools/call',
  params: { name: 'server__tool_1', arguments: { path: '/srv/docs/notes.txt' } },
};
const LIST = { jsonrpc: '2.0', method: 'tools/list', params: {} };

export default async function mcpTransport(): Promise<BenchSection> {
  const sides = [await sdkSide('initialize only'), await sdkSide('key first'), await oursSide()];
  const figures = sides.map(() => ({ call: [] as number[], list: [] as number[] }));
  const times: number[] = [];
  const servers = await Promise.all(sides.map((side) => listen(side, times)));
  try {
    for (const { url } of servers)
      await post(
        url,
        {
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 'b', version: '1' },
          },
        },
        { accept: HEADERS.accept, 'content-type': HEADERS['content-type'] },
      );
    let id = 1;
    for (let round = 0; round <= ROUNDS; round += 1) {
      for (const [i, { url }] of servers.entries()) {
        useGuards(sides[i].guards);
        for (const [kind, message] of [
          ['call', CALL],
          ['list', LIST],
        ] as const) {
          times.length = 0;
          const count = round === 0 ? WARMUP : PER_ROUND;
          for (let n = 0; n < count; n += 1) await post(url, { ...message, id: id++ });
          if (round > 0) figures[i][kind].push(...times);
        }
      }
    }
  } finally {
    useGuards('key first');
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(sides.map((s) => s.server.close()));
  }
  const round2 = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    title: `MCP server transport: server-side ms per POST, same SDK Server (${ROUNDS}×${PER_ROUND} each, alternating)`,
    rows: sides.map((side, i) => ({
      transport: side.name,
      'tools/call p50 ms': round2(p50(figures[i].call)),
      'tools/list (40 tools) p50 ms': round2(p50(figures[i].list)),
    })),
  };
}
