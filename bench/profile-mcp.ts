// `npm run bench:profile-mcp -- <out dir> [calls]`: the built service (source maps, without the
// permission model, which refuses `--cpu-prof` its file) profiled with `--cpu-prof` while an SDK
// Client makes `tools/call`s through `/mcp` to the real everything server over Streamable HTTP,
// one at a time, as `npm run bench -- mcp` does. bench/top-frames.mjs names the heaviest frames.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  startEverythingHttp,
  stopProcess,
  tempDir,
  writeMcpConfig,
} from '../test/support/mcp-upstreams';
import { startBenchService } from './bench-service';

async function main(): Promise<void> {
  const [dirArg = 'bench/results/profile-mcp', callsArg = '4000'] = process.argv.slice(2);
  const dir = resolve(dirArg);
  const calls = Number(callsArg);
  mkdirSync(dir, { recursive: true });
  const everything = await startEverythingHttp();
  const config = writeMcpConfig(tempDir('techsapo-profile-mcp-'), {
    servers: [{ name: 'everything', transport: 'streamable-http', url: everything.url }],
  });
  const service = await startBenchService(
    {
      MCP_CONFIG: config,
      MCP_SESSION_NETWORK_CALLS: '1000000',
      MCP_RATE_LIMIT_BURST: '1000000',
      MCP_RATE_LIMIT_PER_MINUTE: '10000000',
      MCP_RATE_LIMIT_PER_HOUR: '100000000',
    },
    { permissionModel: false, flags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] },
  );
  const client = new Client({ name: 'profile', version: '1.0.0' });
  try {
    const headers = { authorization: `Bearer ${await service.signIn()}` };
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${service.base}/mcp`), {
        requestInit: { headers },
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            signal: init?.signal ? AbortSignal.any([init.signal]) : undefined,
          }),
      }),
    );
    const call = { name: 'everything__echo', arguments: { message: 'hello from the profile' } };
    const started = Date.now();
    for (let i = 0; i < calls; i += 1) {
      const result = await client.callTool(call);
      if (result.isError) throw new Error(`echo failed: ${JSON.stringify(result.content)}`);
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`${calls} calls in ${seconds.toFixed(1)} s\n`);
  } finally {
    await client.close().catch(() => undefined);
    await service.stop();
    await stopProcess(everything.process);
  }
  process.stdout.write(`profile written to ${dir}\n`);
}

void main();
