import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesystemUpstream, tempDir, writeMcpConfig } from './support/mcp-upstreams';
import {
  freePort,
  login,
  MAIN,
  runtimeFlags,
  startService,
  waitForHttp,
} from './support/processes';

/**
 * The built service under the read-only runtime (Node's permission model) with a stdio
 * upstream: naming it in MCP_CONFIG is what allows the child process, and without that opt-in
 * the upstream cannot start while the service itself stays up. Needs `npm run build`.
 */
describe('MCP stdio upstreams under the read-only runtime', () => {
  const root = tempDir('techsapo-mcp-runtime-');
  const data = tempDir('techsapo-mcp-runtime-data-');
  writeFileSync(join(root, 'notes.txt'), 'inside the root\n');
  const config = writeMcpConfig(tempDir('techsapo-mcp-runtime-config-'), {
    servers: [filesystemUpstream(root)],
  });

  async function run(
    flags: string[],
  ): Promise<{ servers: unknown; read: Response; output: string }> {
    const port = await freePort();
    const password = randomBytes(12).toString('hex');
    const service = startService(
      {
        PORT: String(port),
        NODE_ENV: 'development',
        DATA_DIR: data,
        REDIS_KEY_PREFIX: `mcprt${port}`,
        ADMIN_USERNAME: 'runtime-admin',
        ADMIN_PASSWORD: password,
        MCP_CONFIG: config,
      },
      [...flags, MAIN],
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/health/ready`, 30_000);
      const accessToken = await login(base, { username: 'runtime-admin', password });
      const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
      const servers = await (await fetch(`${base}/api/v1/mcp/servers`, { headers: auth })).json();
      const read = await fetch(`${base}/api/v1/mcp/servers/fs/tools/read_text_file/call`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ arguments: { path: join(root, 'notes.txt') } }),
      });
      return { servers, read, output: service.output() };
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  }

  it('starts the upstream when MCP_CONFIG names it (the opt-in for child processes)', async () => {
    const flags = runtimeFlags({
      MCP_CONFIG: config,
      DATA_DIR: data,
    });
    expect(flags).toContain('--allow-child-process');
    const { servers, read } = await run(flags);
    expect(servers).toEqual({
      items: [expect.objectContaining({ name: 'fs', status: 'connected' })],
    });
    expect(read.status).toBe(200);
    expect(JSON.stringify(await read.json())).toContain('inside the root');
  });

  it('without the opt-in the permission model refuses the child, and the service stays up', async () => {
    const flags = runtimeFlags({
      MCP_CONFIG: '',
      DATA_DIR: data,
    });
    expect(flags).not.toContain('--allow-child-process');
    const { servers, read } = await run(flags);
    expect(servers).toEqual({
      items: [expect.objectContaining({ name: 'fs', status: 'error', toolCount: 0 })],
    });
    // A configured upstream that could not start is unavailable, not an unknown tool.
    expect(read.status).toBe(503);
  });
});
