import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InitializeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReadinessRegistry } from '@techsapo/core';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth, issueApiKey, signIn } from './support/auth';
import {
  connectClient,
  EVERYTHING_SERVER,
  filesystemUpstream,
  ScriptedUpstream,
  startEverythingHttp,
  startScriptedUpstream,
  stopProcess,
  tempDir,
  writeMcpConfig,
} from './support/mcp-upstreams';
import type { RunningProcess } from './support/processes';
import { listenOnLoopback, startTestApp, TestApp } from './support/test-app';

const WRITE_TOOLS = ['write_file', 'edit_file', 'create_directory', 'move_file'];

/**
 * The MCP proxy end to end, nothing faked: the real filesystem server (stdio, rooted in a
 * temporary folder), the real everything server (Streamable HTTP on a loopback port), a small
 * scripted upstream whose tool definition changes, and the SDK's Client on /mcp of the app.
 */
describe('MCP proxy (real upstreams, real client)', () => {
  let t: TestApp;
  let url: string;
  let root: string;
  let outside: string;
  let everything: { url: string; process: RunningProcess };
  let scripted: ScriptedUpstream;
  const clients: Client[] = [];

  const names = (tools: { name: string }[]): string[] => tools.map((x) => x.name);
  const client = async (headers: Record<string, string>): Promise<Client> => {
    const c = await connectClient(url, headers);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    root = tempDir('techsapo-mcp-root-');
    outside = tempDir('techsapo-mcp-outside-');
    writeFileSync(join(root, 'notes.txt'), 'the quarterly numbers are fine\n');
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'guide.md'), '# Guide\n');
    writeFileSync(join(root, '.env'), 'HIDDEN=1\n');
    writeFileSync(join(outside, 'secret.txt'), 'outside the root\n');
    everything = await startEverythingHttp();
    scripted = await startScriptedUpstream();
    const config = writeMcpConfig(tempDir('techsapo-mcp-config-'), {
      servers: [
        filesystemUpstream(root),
        {
          name: 'env',
          transport: 'stdio',
          command: 'node',
          args: [EVERYTHING_SERVER, 'stdio'],
          env: { MARKER: 'from-config' },
        },
        { name: 'everything', transport: 'streamable-http', url: everything.url },
        { name: 'scripted', transport: 'streamable-http', url: scripted.url },
      ],
      policy: { servers: { everything: { deny: ['get-env'] } } },
    });
    t = await startTestApp({ MCP_CONFIG: config });
    url = `${await listenOnLoopback(t)}/mcp`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t?.close();
    await scripted?.close();
    if (everything) await stopProcess(everything.process);
  });

  it('lists the read tools of the filesystem server and none of its write tools', async () => {
    const analyst = await signIn(t, 'analyst');
    const c = await client(analyst.auth);
    const listed = names((await c.listTools()).tools);
    for (const tool of ['read_text_file', 'list_directory', 'search_files'])
      expect(listed).toContain(`fs__${tool}`);
    for (const tool of WRITE_TOOLS) expect(listed).not.toContain(`fs__${tool}`);
    // Tools of every upstream, by `<server>__<tool>`; an explicit deny wins over the hint.
    expect(listed).toContain('everything__echo');
    expect(listed).not.toContain('everything__get-env');
    // No server here lets its prompts or resources through: completions are not offered.
    expect(c.getServerCapabilities()?.completions).toBeUndefined();
  });

  it('refuses the write tools by name and writes nothing on disk', async () => {
    const analyst = await signIn(t, 'analyst');
    const c = await client(analyst.auth);
    const before = readdirSync(root).sort();
    const attempts: [string, Record<string, unknown>][] = [
      ['fs__write_file', { path: join(root, 'new.txt'), content: 'x' }],
      [
        'fs__edit_file',
        { path: join(root, 'notes.txt'), edits: [{ oldText: 'fine', newText: 'bad' }] },
      ],
      ['fs__create_directory', { path: join(root, 'made') }],
      ['fs__move_file', { source: join(root, 'notes.txt'), destination: join(root, 'moved.txt') }],
    ];
    for (const [name, args] of attempts) {
      // Refusals are tool results the host shows the model, with the reason.
      const result = await c.callTool({ name, arguments: args });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/mcp-operation-forbidden/);
    }
    expect(readdirSync(root).sort()).toEqual(before);
    expect(existsSync(join(root, 'new.txt'))).toBe(false);
  });

  it('reads a file inside the root', async () => {
    const c = await client((await signIn(t, 'analyst')).auth);
    const result = await c.callTool({
      name: 'fs__read_text_file',
      arguments: { path: join(root, 'notes.txt') },
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain('the quarterly numbers are fine');
    const listing = await c.callTool({ name: 'fs__list_directory', arguments: { path: root } });
    expect(JSON.stringify(listing.content)).toContain('[DIR] docs');
  });

  it('decides initialize by the method first: a tools/call runs no initialize schema parse', async () => {
    const c = await client((await signIn(t, 'analyst')).auth);
    const parse = jest.spyOn(InitializeRequestSchema, 'safeParse');
    try {
      const result = await c.callTool({
        name: 'fs__read_text_file',
        arguments: { path: join(root, 'notes.txt') },
      });
      expect(result.isError).toBeFalsy();
      expect(names((await c.listTools()).tools)).toContain('fs__read_text_file');
      expect(parse).not.toHaveBeenCalled();
      // A message that says initialize still gets the whole schema: malformed params are
      // refused as before, a well-formed one opens a session.
      const owner = await signIn(t, 'analyst');
      const post = (params: Record<string, unknown>) =>
        request(t.server)
          .post('/mcp')
          .set(owner.auth)
          .set('Accept', 'application/json, text/event-stream')
          .send({ jsonrpc: '2.0', id: 1, method: 'initialize', params });
      const malformed = await post({ protocolVersion: '2025-06-18' });
      expect(malformed.status).toBe(400);
      expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(malformed.body.type).toMatch(/mcp-bad-request/);
      expect(parse).toHaveBeenCalled();
      const opened = await post({
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      });
      expect(opened.status).toBe(200);
      expect(opened.headers['mcp-session-id']).toBeTruthy();
    } finally {
      parse.mockRestore();
    }
  });

  it('refuses ../, absolute paths outside the root and hidden files', async () => {
    const key = await issueApiKey(t, 'analyst');
    const c = await client(key.auth);
    for (const path of [
      join(root, '..', outside.split('/').pop() as string, 'secret.txt'),
      '../secret.txt',
      join(outside, 'secret.txt'),
      '/etc/passwd',
      join(root, '.env'),
    ]) {
      const result = await c.callTool({ name: 'fs__read_text_file', arguments: { path } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/mcp-arguments-rejected/);
    }
  });

  it('refuses a 3 000-byte argument and unknown arguments', async () => {
    const c = await client((await signIn(t, 'analyst')).auth);
    const big = await c.callTool({
      name: 'everything__echo',
      arguments: { message: 'a'.repeat(3000) },
    });
    expect(big.isError).toBe(true);
    expect(JSON.stringify(big.content)).toMatch(/mcp-arguments-rejected/);
    const extra = await c.callTool({
      name: 'everything__echo',
      arguments: { message: 'hi', extra: 1 },
    });
    expect(extra.isError).toBe(true);
    expect(JSON.stringify(extra.content)).toMatch(/not a known argument/);
    const ok = await c.callTool({ name: 'everything__echo', arguments: { message: 'hi there' } });
    expect(JSON.stringify(ok.content)).toContain('hi there');
  });

  it('withholds a tool whose upstream definition changed until an admin approves it', async () => {
    const analyst = await signIn(t, 'analyst');
    const c = await client(analyst.auth);
    expect(names((await c.listTools()).tools)).toContain('scripted__lookup');
    expect(
      (await c.callTool({ name: 'scripted__lookup', arguments: { term: 'pin' } })).isError,
    ).toBeFalsy();

    scripted.description = 'Looks up a term in the glossary, and more.';
    // Lists are answered from the catalogue; the upstream is read again in the background.
    for (
      let i = 0;
      i < 100 && names((await c.listTools()).tools).includes('scripted__lookup');
      i += 1
    )
      await new Promise((r) => setTimeout(r, 100));
    expect(names((await c.listTools()).tools)).not.toContain('scripted__lookup');
    const changed = await c.callTool({ name: 'scripted__lookup', arguments: { term: 'pin' } });
    expect(changed.isError).toBe(true);
    expect(JSON.stringify(changed.content)).toMatch(/definition-changed/);
    const rest = await request(t.server)
      .post('/api/v1/mcp/servers/scripted/tools/lookup/call')
      .set(analyst.auth)
      .send({ arguments: { term: 'pin' } });
    expect(rest.status).toBe(403);
    expect(rest.body.type).toMatch(/mcp-operation-forbidden$/);
    const all = await request(t.server)
      .get('/api/v1/mcp/servers/scripted/tools?all=true')
      .set(await adminAuth(t));
    expect(all.body.items).toContainEqual(
      expect.objectContaining({ name: 'lookup', deniedReason: 'definition-changed' }),
    );
    const { hash, pinnedDefinition, definition } = all.body.items.find(
      (x: { name: string }) => x.name === 'lookup',
    );
    // The admin reviews the change against what was pinned: only the description differs.
    expect(definition.description).toBe('Looks up a term in the glossary, and more.');
    expect(pinnedDefinition.description).not.toBe(definition.description);
    expect({ ...pinnedDefinition, description: undefined }).toEqual({
      ...definition,
      description: undefined,
    });

    // An analyst cannot approve; an admin can, that exact definition, and the tool comes back.
    expect(
      (
        await request(t.server)
          .post('/api/v1/admin/mcp/servers/scripted/tools/lookup/approve')
          .set(analyst.auth)
          .send({ hash })
      ).status,
    ).toBe(403);
    const approved = await request(t.server)
      .post('/api/v1/admin/mcp/servers/scripted/tools/lookup/approve')
      .set(await adminAuth(t))
      .send({ hash });
    expect(approved.status).toBe(200);
    expect(approved.body.callable).toBe(true);
    expect(approved.body.pin.hash).not.toBe(approved.body.previous.hash);
    expect(names((await c.listTools()).tools)).toContain('scripted__lookup');
    expect(
      (await c.callTool({ name: 'scripted__lookup', arguments: { term: 'pin' } })).isError,
    ).toBeFalsy();

    const events = (await auditEntries(t)).filter(
      (e) => e.type === 'security' && e.details.event_type === 'MCP_TOOL_DEFINITION_CHANGED',
    );
    expect(events.length).toBeGreaterThanOrEqual(1);
  });

  it('does not let a viewer call tools, nor an unauthenticated client in', async () => {
    const viewer = await signIn(t, 'viewer');
    await expect(client(viewer.auth)).rejects.toThrow(/403/);
    const rest = await request(t.server)
      .post('/api/v1/mcp/servers/fs/tools/read_text_file/call')
      .set(viewer.auth)
      .send({ arguments: { path: join(root, 'notes.txt') } });
    expect(rest.status).toBe(403);
    // …but a viewer may list servers and tools (API.md).
    const tools = await request(t.server).get('/api/v1/mcp/servers/fs/tools').set(viewer.auth);
    expect(tools.status).toBe(200);
    expect(tools.body.items.map((x: { name: string }) => x.name)).toContain('read_text_file');

    await expect(client({})).rejects.toThrow(/401/);
    const raw = await request(t.server)
      .post('/mcp')
      .send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
    expect(raw.status).toBe(401);
    expect(raw.headers['www-authenticate']).toBeDefined();
  });

  it('gives a stdio upstream only the environment in its config (no proxy secrets)', async () => {
    expect(process.env.JWT_SECRET).toBeTruthy();
    const c = await client((await signIn(t, 'analyst')).auth);
    const result = await c.callTool({ name: 'env__get-env', arguments: {} });
    const text = (result.content as { type: string; text: string }[])[0].text;
    const env = JSON.parse(text) as Record<string, string>;
    expect(env.MARKER).toBe('from-config');
    expect(env.JWT_SECRET).toBeUndefined();
    expect(text).not.toContain(process.env.JWT_SECRET as string);
    expect(env.REDIS_KEY_PREFIX).toBeUndefined();
    expect(env.PATH).toBeUndefined();
  });

  it('binds a session to its principal: another principal using the id gets 404', async () => {
    const owner = await signIn(t, 'analyst');
    const other = await signIn(t, 'analyst');
    const init = await request(t.server)
      .post('/mcp')
      .set(owner.auth)
      .set('Accept', 'application/json, text/event-stream')
      .send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      });
    expect(init.status).toBe(200);
    const sid = init.headers['mcp-session-id'];
    expect(sid).toBeTruthy();
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
    const headers = {
      Accept: 'application/json, text/event-stream',
      'mcp-session-id': sid,
      'mcp-protocol-version': '2025-06-18',
    };
    expect(
      (await request(t.server).post('/mcp').set(other.auth).set(headers).send(list)).status,
    ).toBe(404);
    expect(
      (await request(t.server).post('/mcp').set(owner.auth).set(headers).send(list)).status,
    ).toBe(200);
    // A foreign Host header is refused (DNS rebinding).
    const rebinding = await request(t.server)
      .post('/mcp')
      .set(owner.auth)
      .set(headers)
      .set('Host', 'evil.example')
      .send(list);
    expect(rebinding.status).toBe(403);
    expect((await request(t.server).delete('/mcp').set(owner.auth).set(headers)).status).toBe(200);
    expect(
      (await request(t.server).post('/mcp').set(owner.auth).set(headers).send(list)).status,
    ).toBe(404);
  });

  it('lists servers over REST and audits every decision with the argument shape only', async () => {
    const analyst = await signIn(t, 'analyst');
    const servers = await request(t.server).get('/api/v1/mcp/servers').set(analyst.auth);
    expect(servers.status).toBe(200);
    const fs = servers.body.items.find((s: { name: string }) => s.name === 'fs');
    expect(fs).toMatchObject({ transport: 'stdio', status: 'connected' });
    expect(fs.allowedToolCount).toBeLessThan(fs.toolCount);
    const call = await request(t.server)
      .post('/api/v1/mcp/servers/fs/tools/read_text_file/call')
      .set(analyst.auth)
      .send({ arguments: { path: join(root, 'notes.txt') } });
    expect(call.status).toBe(200);
    expect(call.body.content[0].text).toContain('quarterly');
    const forbidden = await request(t.server)
      .post('/api/v1/mcp/servers/fs/tools/write_file/call')
      .set(analyst.auth)
      .send({ arguments: { path: join(root, 'x.txt'), content: 'x' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.type).toMatch(/mcp-operation-forbidden$/);
    const unknown = await request(t.server).get('/api/v1/mcp/servers/nope/tools').set(analyst.auth);
    expect(unknown.status).toBe(404);

    const all = await auditEntries(t);
    const entries = all.filter(
      (e) =>
        e.type === 'mcp' && e.actor.id === analyst.userId && e.details.operation === 'tools/call',
    );
    const denied = entries.find((e) => e.details.tool === 'write_file');
    expect(denied?.outcome).toMatchObject({
      decision: 'denied',
      reason: 'mcp-operation-forbidden:not-read-only',
    });
    const allowed = entries.find((e) => e.details.tool === 'read_text_file');
    expect(allowed?.details.arguments).toEqual({
      path: `string(${join(root, 'notes.txt').length})`,
    });
    expect(JSON.stringify(allowed)).not.toContain('notes.txt');

    const metrics = await request(t.server).get('/metrics');
    expect(metrics.text).toMatch(
      /techsapo_mcp_operation_duration_seconds_count\{operation="call_tool",security_check="policy",result="denied"\}/,
    );
    // The readiness check /health/ready reports (the other checks are not this file's concern).
    const check = t.app
      .get(ReadinessRegistry)
      .entries()
      .find(([name]) => name === 'mcp')?.[1];
    expect(await check?.()).toMatchObject({
      ok: true,
      detail: { upstreams: { fs: { transport: 'stdio', status: 'connected' } } },
    });
    // The client's credentials never travel upstream.
    expect(scripted.authorizationSeen).toEqual([]);
  });
});
