import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth, signIn } from './support/auth';
import {
  connectClient,
  filesystemUpstream,
  ScriptedUpstream,
  startScriptedUpstream,
  tempDir,
  writeMcpConfig,
} from './support/mcp-upstreams';
import { listenOnLoopback, startTestApp, TestApp } from './support/test-app';

/** Limits of the MCP proxy: sessions per user, idle expiry, quotas, timeouts, poisoned tools, results, hosts. */
describe('MCP proxy limits', () => {
  let t: TestApp;
  let url: string;
  let root: string;
  let scripted: ScriptedUpstream;
  const clients: Client[] = [];
  const client = async (headers: Record<string, string>): Promise<Client> => {
    const c = await connectClient(url, headers);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    root = tempDir('techsapo-mcp-limits-');
    writeFileSync(join(root, 'a.txt'), 'alpha\n');
    scripted = await startScriptedUpstream();
    const config = writeMcpConfig(tempDir('techsapo-mcp-config-'), {
      servers: [
        filesystemUpstream(root),
        { name: 'scripted', transport: 'streamable-http', url: scripted.url, network: false },
        {
          name: 'blocked',
          transport: 'streamable-http',
          url: scripted.url.replace('127.0.0.1', 'localhost'),
        },
      ],
      policy: { hosts: { block: ['localhost'] } },
    });
    t = await startTestApp({
      MCP_CONFIG: config,
      MCP_SESSION_FILE_READS: '2',
      MCP_SESSION_MAX_PER_USER: '5',
      // Wide enough for a burst of 25 calls on a loaded machine, well under the slow tool's 5 s.
      MCP_CALL_TIMEOUT_MS: '2000',
    });
    url = `${await listenOnLoopback(t)}/mcp`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t?.close();
    await scripted?.close();
  });

  it('ends the least recently used MCP session past the cap with 404; its client opens a new one', async () => {
    const analyst = await signIn(t, 'analyst');
    const opened: Client[] = [];
    for (let i = 0; i < 6; i += 1) opened.push(await client(analyst.auth));
    await expect(opened[0].listTools()).rejects.toThrow(/404/);
    for (const c of opened.slice(1)) await expect(c.listTools()).resolves.toBeDefined();
    const key = `${t.prefix}:mcp:u:{${analyst.userId}}:sessions`;
    expect(await t.redis.client.zcard(key)).toBe(5);
    // What a client does on 404: initialise again.
    const again = await client(analyst.auth);
    expect((await again.listTools()).tools.length).toBeGreaterThan(0);
  });

  it('records session activity for accepted requests only, at most once a second: one refused after logout leaves it', async () => {
    const analyst = await signIn(t, 'analyst');
    const c = await client(analyst.auth);
    const key = `${t.prefix}:mcp:u:{${analyst.userId}}:sessions`;
    const [sessionId] = await t.redis.client.zrange(key, 0, -1);
    const activity = async () => Number(await t.redis.client.zscore(key, sessionId));
    const opened = await activity();
    // Activity is recorded at most once a second: a call right after the open writes nothing.
    await c.listTools();
    await new Promise((r) => setTimeout(r, 100));
    expect(await activity()).toBe(opened);
    // Once the second has passed, the next accepted call records it.
    await new Promise((r) => setTimeout(r, 1_100));
    await c.listTools();
    // The accepted request's activity write is not waited for by the endpoint.
    let seen = await activity();
    for (let i = 0; i < 100 && seen === opened; i += 1) {
      await new Promise((r) => setTimeout(r, 10));
      seen = await activity();
    }
    expect(seen).toBeGreaterThan(opened);

    const out = await request(t.server).post('/api/v1/auth/logout').set(analyst.auth);
    expect(out.status).toBe(204);
    // What requests accepted before the logout wrote has landed by now.
    await new Promise((r) => setTimeout(r, 100));
    const before = await activity();
    const refused = await request(t.server)
      .post('/mcp')
      .set(analyst.auth)
      .set('Mcp-Session-Id', sessionId)
      .set('Accept', 'application/json, text/event-stream')
      .send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(refused.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(await activity()).toBe(before);
  });

  it("takes an agent's burst of parallel calls without 429 (its own limits on /mcp)", async () => {
    const c = await client((await signIn(t, 'analyst')).auth);
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        c.callTool({ name: 'scripted__lookup', arguments: { term: `t${i}` } }),
      ),
    );
    expect(results.filter((r) => r.isError)).toEqual([]);
  });

  it('ends a session after 15 idle minutes', async () => {
    const analyst = await signIn(t, 'analyst');
    const c = await client(analyst.auth);
    await c.listTools();
    const key = `${t.prefix}:mcp:u:{${analyst.userId}}:sessions`;
    const [sid] = await t.redis.client.zrange(key, 0, -1);
    // As if the last request had been 16 minutes ago.
    await t.redis.client.zadd(key, Date.now() - 16 * 60_000, sid);
    await expect(c.listTools()).rejects.toThrow(/404/);
  });

  it('counts file reads per principal over the window, whatever the session (MCP5)', async () => {
    const analyst = await signIn(t, 'analyst');
    const c = await client(analyst.auth);
    const read = (on: Client) =>
      on.callTool({ name: 'fs__read_text_file', arguments: { path: join(root, 'a.txt') } });
    expect((await read(c)).isError).toBeFalsy();
    expect((await read(c)).isError).toBeFalsy();
    const third = await read(c);
    expect(third.isError).toBe(true);
    expect(JSON.stringify(third.content)).toMatch(/mcp-quota-exceeded/);
    // A new session of the same user does not reset it.
    const fresh = await client(analyst.auth);
    expect(JSON.stringify((await read(fresh)).content)).toMatch(/mcp-quota-exceeded/);
    // Nor does the REST twin.
    const rest = await request(t.server)
      .post('/api/v1/mcp/servers/fs/tools/read_text_file/call')
      .set(analyst.auth)
      .send({ arguments: { path: join(root, 'a.txt') } });
    expect(rest.status).toBe(429);
  });

  it('gives up on an upstream call after the timeout', async () => {
    const c = await client((await signIn(t, 'analyst')).auth);
    const slow = await c.callTool({ name: 'scripted__slow_lookup', arguments: { ms: 5000 } });
    expect(slow.isError).toBe(true);
    expect(JSON.stringify(slow.content)).toMatch(/mcp-upstream-timeout/);
  });

  it('withholds a tool whose description carries hidden instructions', async () => {
    const c = await client((await signIn(t, 'analyst')).auth);
    const listed = (await c.listTools()).tools.map((x) => x.name);
    expect(listed).toContain('scripted__lookup');
    expect(listed).not.toContain('scripted__weather');
    const weather = await c.callTool({ name: 'scripted__weather', arguments: { city: 'x' } });
    expect(weather.isError).toBe(true);
    expect(JSON.stringify(weather.content)).toMatch(/poisoned-description/);
    const all = await request(t.server)
      .get('/api/v1/mcp/servers/scripted/tools?all=true')
      .set(await adminAuth(t));
    expect(all.body.items.find((x: { name: string }) => x.name === 'weather')).toMatchObject({
      deniedReason: 'poisoned-description',
    });
    const events = (await auditEntries(t)).filter(
      (e) => e.details.event_type === 'MCP_TOOL_POISONING',
    );
    // One attempt event for the definition, however often the tools are listed again.
    expect(events).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({
          attempt_type: 'prompt-injection',
          source: 'mcp-description',
          blocked: true,
          server: 'scripted',
          tool: 'weather',
        }),
      }),
    ]);
    const metrics = await request(t.server).get('/metrics');
    expect(metrics.text).toMatch(
      /techsapo_self_modification_attempts_total\{source="mcp-description",type="prompt-injection",blocked="true"\} 1\n/,
    );
  });

  it('an attempt in a tool argument is refused by the argument guard and reported once, with who sent it', async () => {
    const analyst = await signIn(t, 'analyst');
    const c = await client(analyst.auth);
    const before = (await auditEntries(t)).length;
    const result = await c.callTool({
      name: 'scripted__lookup',
      arguments: { term: 'fs.writeFileSync(require.main.filename, patched)' },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/mcp-arguments-rejected/);
    const events = (await auditEntries(t, before + 2))
      .slice(before)
      .filter((e) => e.type === 'security' && e.details.attempt_type === 'self-modification');
    expect(events).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: analyst.userId }),
        details: expect.objectContaining({
          source: 'mcp-argument',
          blocked: true,
          field: 'arguments.term',
          route: '/mcp',
        }),
      }),
    ]);
  });

  it('redacts secrets in results and flags injected instructions, as inert text', async () => {
    const analyst = await signIn(t, 'analyst');
    const c = await client(analyst.auth);
    const result = await c.callTool({ name: 'scripted__fetch_note', arguments: { id: '1' } });
    const text = JSON.stringify(result.content);
    expect(text).not.toContain('ghp_A1b2');
    expect(text).toContain('ignore all previous instructions');
    const flags = (
      result._meta?.['techsapo/security'] as { flags: { category: string; action: string }[] }
    ).flags;
    expect(flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: 'secret', action: 'redact' }),
        expect.objectContaining({ category: 'prompt-injection', action: 'flag' }),
      ]),
    );
    const rest = await request(t.server)
      .post('/api/v1/mcp/servers/scripted/tools/fetch_note/call')
      .set(analyst.auth)
      .send({ arguments: { id: '1' } });
    expect(rest.status).toBe(200);
    expect(rest.body.securityFlags.length).toBeGreaterThan(0);
    expect(rest.text).not.toContain('ghp_A1b2');
    // The injected instruction is a flagged attempt, one event per result text read; the
    // secret is no attempt.
    const events = (await auditEntries(t)).filter(
      (e) => e.type === 'security' && e.details.source === 'mcp-result',
    );
    expect(events.map((e) => [e.details.attempt_type, e.details.blocked, e.details.tool])).toEqual([
      ['prompt-injection', false, 'fetch_note'],
      ['prompt-injection', false, 'fetch_note'],
    ]);
  });

  it('refuses an upstream whose host is blocked, and a foreign Origin', async () => {
    const analyst = await signIn(t, 'analyst');
    const servers = await request(t.server).get('/api/v1/mcp/servers').set(analyst.auth);
    expect(servers.body.items.find((s: { name: string }) => s.name === 'blocked')).toMatchObject({
      status: 'error',
      toolCount: 0,
    });
    const call = await request(t.server)
      .post('/api/v1/mcp/servers/blocked/tools/lookup/call')
      .set(analyst.auth)
      .send({ arguments: { term: 'x' } });
    // A configured server that is not connected is unavailable, never an unknown tool.
    expect(call.status).toBe(503);
    expect(call.body.type).toMatch(/mcp-upstream-unavailable$/);
    const origin = await request(t.server)
      .post('/mcp')
      .set(analyst.auth)
      .set('Origin', 'http://evil.example')
      .send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
    expect(origin.status).toBe(403);
    expect(origin.body.type).toMatch(/mcp-origin-not-allowed$/);
  });
});
