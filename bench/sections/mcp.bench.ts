// MCP proxy overhead: the latency one tools/call gains by going through the proxy's /mcp
// (authentication, session check, policy, argument checks, quota, audit, result scan) rather
// than straight to the upstream, with the SDK's Client on both paths, one call at a time.
// The service runs as `npm start` runs it (built, permission model: MCP_CONFIG names a stdio
// upstream, which is what allows its child process). Upstreams: the real everything server
// (Streamable HTTP) and the real filesystem server (stdio).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cpuSeconds } from '../process-cpu';
import {
  filesystemUpstream,
  FILESYSTEM_SERVER,
  startEverythingHttp,
  stopProcess,
  tempDir,
  writeMcpConfig,
} from '../../test/support/mcp-upstreams';
import type { BenchSection } from '../bench-section';
import { startBenchService } from '../bench-service';

const WARMUP = 100;
const CALLS = 1000;

interface Call {
  name: string;
  arguments: Record<string, unknown>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Measured {
  p50: number;
  p99: number;
  /** CPU time (user and system) the service spent per timed run, in ms, its idle rate taken off. */
  serviceCpu?: number;
}

/** The CPU time (user and system) a process has used so far, in ms (Linux; undefined elsewhere). */
function cpuMs(pid: number | undefined): number | undefined {
  const seconds = cpuSeconds(pid);
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * The service's CPU time per ms of wall time when idle (its timers: queue polling, upstream
 * pings, metrics), measured over IDLE_MS before the rows, so that a row's CPU per call counts
 * the calls and not what the service would have spent anyway while a slow row ran.
 */
const IDLE_MS = 3000;
let idleCpuPerMs = 0;

async function measureIdle(pid: number | undefined): Promise<void> {
  const before = cpuMs(pid);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const after = cpuMs(pid);
  if (before !== undefined && after !== undefined)
    idleCpuPerMs = (after - before) / (Date.now() - started);
}

/** WARMUP untimed runs, then CALLS timed ones, one at a time; `pid`: the service's CPU too. */
async function timed(run: () => Promise<void>, pid?: number): Promise<Measured> {
  for (let i = 0; i < WARMUP; i += 1) await run();
  const times: number[] = [];
  const cpuBefore = cpuMs(pid);
  const wallStarted = Date.now();
  for (let i = 0; i < CALLS; i += 1) {
    const started = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const cpuAfter = cpuMs(pid);
  const idle = idleCpuPerMs * (Date.now() - wallStarted);
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    ...(cpuBefore !== undefined && cpuAfter !== undefined
      ? { serviceCpu: (cpuAfter - cpuBefore - idle) / CALLS }
      : {}),
  };
}

function measure(client: Client, call: Call, pid?: number): Promise<Measured> {
  return timed(async () => {
    const result = await client.callTool(call);
    if (result.isError) throw new Error(`${call.name} failed: ${JSON.stringify(result.content)}`);
  }, pid);
}

/**
 * The floor any extra HTTP hop costs on this machine: fetch to a node:http server that answers
 * a small JSON body at once (both in this process).
 */
async function bareHop(): Promise<Measured> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [] } });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await timed(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body });
      await response.arrayBuffer();
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

async function connect(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers },
    // As the proxy does upstream: fetch would otherwise keep one abort listener per call on
    // the transport's signal (thousands here).
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal]) : undefined,
      }),
  });
  await client.connect(transport);
  return { client, transport };
}

export default async function mcp(): Promise<BenchSection> {
  const root = tempDir('techsapo-bench-mcp-');
  const file = join(root, 'notes.txt');
  writeFileSync(file, 'a few lines of notes\n'.repeat(20));
  const everything = await startEverythingHttp();
  const config = writeMcpConfig(tempDir('techsapo-bench-mcp-config-'), {
    servers: [
      filesystemUpstream(root),
      { name: 'everything', transport: 'streamable-http', url: everything.url },
    ],
  });
  const service = await startBenchService({
    MCP_CONFIG: config,
    // The quotas would stop a benchmark session long before it ends.
    MCP_SESSION_FILE_READS: '1000000',
    MCP_SESSION_NETWORK_CALLS: '1000000',
    // As would /mcp's own rate limits.
    MCP_RATE_LIMIT_BURST: '1000000',
    MCP_RATE_LIMIT_PER_MINUTE: '10000000',
    MCP_RATE_LIMIT_PER_HOUR: '100000000',
  });
  const clients: Client[] = [];
  try {
    const accessToken = await service.signIn();
    const { client: proxied, transport: session } = await connect(`${service.base}/mcp`, {
      Authorization: `Bearer ${accessToken}`,
    });
    const { client: directHttp } = await connect(everything.url);
    const directStdio = new Client({ name: 'bench', version: '1.0.0' });
    await directStdio.connect(
      new StdioClientTransport({ command: process.execPath, args: [FILESYSTEM_SERVER, root] }),
    );
    clients.push(proxied, directHttp, directStdio);

    const echo = { name: 'echo', arguments: { message: 'hello from the benchmark' } };
    const read = { name: 'read_text_file', arguments: { path: file } };
    const httpDirect = await measure(directHttp, echo);
    const pid = service.process.child.pid;
    await measureIdle(pid);
    const httpProxied = await measure(proxied, { ...echo, name: `everything__${echo.name}` }, pid);
    const stdioDirect = await measure(directStdio, read);
    const stdioProxied = await measure(proxied, { ...read, name: `fs__${read.name}` }, pid);
    // What the proxy costs with no upstream at all: pipeline, session and the MCP transport.
    const ping = await timed(async () => {
      await proxied.ping();
    }, pid);
    // Served from the proxy's catalogue, whatever the upstreams do.
    const list = await timed(async () => {
      await proxied.listTools();
    }, pid);
    // The same list by fetch in the same session: the proxy's time without the SDK Client's
    // own work on the answer (its schema parse and a validator compiled per output schema).
    const listRaw = await timed(async () => {
      const response = await fetch(`${service.base}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': session.sessionId ?? '',
          'mcp-protocol-version': session.protocolVersion ?? '',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`tools/list failed: ${response.status}`);
    }, pid);
    const hop = await bareHop();
    // The same call through the REST twin: the pipeline without the MCP transport.
    const overheads: number[] = [];
    const restTwin = await timed(async () => {
      const response = await fetch(
        `${service.base}/api/v1/mcp/servers/fs/tools/read_text_file/call`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ arguments: read.arguments }),
        },
      );
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`REST call failed: ${response.status}`);
      overheads.push(Number(response.headers.get('x-techsapo-overhead-ms')));
    }, pid);
    const serverSide = overheads.slice(WARMUP).sort((a, b) => a - b);
    const round = (n: number): number => Math.round(n * 100) / 100;
    const row = (path: string, m: Measured) => ({
      path,
      'p50 ms': round(m.p50),
      'p99 ms': round(m.p99),
      ...(m.serviceCpu !== undefined ? { 'service CPU ms/call': round(m.serviceCpu) } : {}),
    });
    const addedHttp = httpProxied.p50 - httpDirect.p50;
    const addedStdio = stdioProxied.p50 - stdioDirect.p50;
    return {
      title: `MCP proxy: tools/call through /mcp vs straight to the upstream (${CALLS} sequential calls each, SDK Client)`,
      rows: [
        row('everything echo (Streamable HTTP), direct', httpDirect),
        row('everything echo, through the proxy', httpProxied),
        row('filesystem read_text_file (stdio), direct', stdioDirect),
        row('filesystem read_text_file, through the proxy', stdioProxied),
        row('MCP ping through the proxy (no upstream: pipeline, session, MCP transport)', ping),
        row('tools/list through the proxy (from its catalogue), SDK Client', list),
        row('tools/list through the proxy, fetch (no client-side schema work)', listRaw),
        row('bare HTTP round trip on this machine (fetch to node:http, no work)', hop),
        row('filesystem read_text_file, through the REST twin (fetch)', restTwin),
        row('  of which server-side, upstream wait excluded (X-TechSapo-Overhead-Ms)', {
          p50: percentile(serverSide, 50),
          p99: percentile(serverSide, 99),
        }),
      ],
      notes: [
        `service CPU per call: /proc CPU time over the ${CALLS} timed calls, less the service's idle rate (${round(idleCpuPerMs * 1000)} ms per s) over their wall time`,
      ],
      goals: [
        {
          name: 'added latency per tools/call, Streamable HTTP upstream (p50)',
          target: '≤ 2 ms',
          actual: `${round(addedHttp)} ms`,
          met: addedHttp <= 2,
        },
        {
          name: 'added latency per tools/call, stdio upstream (p50)',
          target: '≤ 2 ms',
          actual: `${round(addedStdio)} ms`,
          met: addedStdio <= 2,
        },
        {
          name: 'tools/list through the proxy, fetch (p50)',
          target: '≤ 2 ms',
          actual: `${round(listRaw.p50)} ms (SDK Client: ${round(list.p50)} ms)`,
          met: listRaw.p50 <= 2,
        },
      ],
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await service.stop();
    await stopProcess(everything.process);
  }
}
