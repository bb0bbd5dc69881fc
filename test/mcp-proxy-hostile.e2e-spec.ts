import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ResourceListChangedNotificationSchema,
  Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { templateHash } from '@techsapo/mcp-proxy';
import { adminAuth, signIn } from './support/auth';
import {
  connectClient,
  HOSTILE_SERVER,
  resultText,
  SessionUpstream,
  startSessionUpstream,
  tempDir,
  writeMcpConfig,
} from './support/mcp-upstreams';
import { listenOnLoopback, startTestApp, TestApp } from './support/test-app';

type Meta = { server: string; tool: string; decision: string; [k: string]: unknown };

/**
 * The proxy against hostile and broken upstreams, with the SDK's Client on /mcp: a stdio
 * server (test/fixtures/mcp/hostile-server.mjs) whose path arguments are not named `path`,
 * whose tools carry invisible characters, odd names and honest write annotations, which adds
 * tools while it runs and whose `spin` tool hangs it; and an HTTP upstream with sessions that
 * restarts.
 */
describe('MCP proxy against hostile and broken upstreams', () => {
  let t: TestApp;
  let url: string;
  let root: string;
  let outside: string;
  let stateFile: string;
  let callsFile: string;
  let sessions: SessionUpstream;
  const clients: Client[] = [];

  const client = async (): Promise<Client> => {
    const c = await connectClient(url, (await signIn(t, 'analyst')).auth);
    clients.push(c);
    return c;
  };

  const proxyMeta = (x: { _meta?: Record<string, unknown> }): Meta =>
    x._meta?.['techsapo/proxy'] as Meta;
  const received = (): { name: string; args: Record<string, unknown> }[] =>
    existsSync(callsFile)
      ? readFileSync(callsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { name: string; args: Record<string, unknown> })
      : [];
  const adminTools = async (server: string) =>
    (
      await request(t.server)
        .get(`/api/v1/mcp/servers/${server}/tools?all=true`)
        .set(await adminAuth(t))
    ).body.items as {
      name: string;
      clientName: string;
      hash: string;
      deniedReason?: string;
      hiddenText?: string[];
      description: string;
    }[];
  async function eventually<T>(probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    root = tempDir('techsapo-mcp-hostile-root-');
    outside = tempDir('techsapo-mcp-hostile-outside-');
    const work = tempDir('techsapo-mcp-hostile-work-');
    stateFile = join(work, 'state.json');
    callsFile = join(work, 'calls.jsonl');
    writeFileSync(join(root, 'readme.md'), 'inside the root\n');
    writeFileSync(join(outside, 'secret.txt'), 'outside the root\n');
    sessions = await startSessionUpstream();
    const env = { STATE: stateFile, CALLS: callsFile, ROOT_DIR: root, OUTSIDE_DIR: outside };
    const config = writeMcpConfig(tempDir('techsapo-mcp-hostile-config-'), {
      servers: [
        {
          name: 'hostile',
          transport: 'stdio',
          command: 'node',
          args: [HOSTILE_SERVER],
          env,
          roots: [root],
        },
        { name: 'bare', transport: 'stdio', command: 'node', args: [HOSTILE_SERVER], env },
        { name: 'sessions', transport: 'streamable-http', url: sessions.url },
      ],
      policy: {
        servers: {
          hostile: {
            allow: { purge_cache: 'read' },
            resources: true,
            prompts: true,
            templateSchemes: ['memo'],
          },
        },
      },
    });
    t = await startTestApp({
      MCP_CONFIG: config,
      MCP_CALL_TIMEOUT_MS: '2000',
      MCP_UPSTREAM_PING_INTERVAL_MS: '500',
      MCP_UPSTREAM_PING_TIMEOUT_MS: '1500',
    });
    url = `${await listenOnLoopback(t)}/mcp`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t?.close();
    await sessions?.stop();
  });

  it('checks path arguments by value and schema: roots hold whatever the argument is called', async () => {
    const c = await client();
    const inside = await c.callTool({
      name: 'hostile__read_repo',
      arguments: { repo_path: join(root, 'readme.md') },
    });
    expect(inside.isError).toBeFalsy();
    expect(resultText(inside)).toContain('inside the root');
    const refused: [string, Record<string, unknown>][] = [
      ['hostile__read_repo', { repo_path: join(outside, 'secret.txt') }],
      ['hostile__read_repo', { repo_path: `${root}/../${outside.split('/').pop()}/secret.txt` }],
      ['hostile__read_notebook', { notebook: '/etc/hostname' }],
      ['hostile__show', { ref: `file://${join(outside, 'secret.txt')}` }],
      // A server without roots gets no absolute path at all.
      ['bare__read_repo', { repo_path: join(root, 'readme.md') }],
    ];
    for (const [name, args] of refused) {
      const result = await c.callTool({ name, arguments: args });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(/mcp-arguments-rejected/);
      expect(proxyMeta(result)).toMatchObject({
        decision: 'refused',
        refusal: expect.objectContaining({ type: 'mcp-arguments-rejected', check: 'path' }),
      });
    }
    expect(JSON.stringify(received())).not.toContain(outside);
    expect(JSON.stringify(received())).not.toContain('/etc/hostname');
  });

  it('judges tool arguments itself: SQL and paths in text pass; credentials are refused before they leave', async () => {
    const c = await client();
    for (const message of ['DROP TABLE users', 'Check ../lib/utils.ts']) {
      const result = await c.callTool({ name: 'hostile__echo', arguments: { message } });
      expect(result.isError).toBeFalsy();
      expect(resultText(result)).toBe(message);
    }
    for (const message of [
      'connect with DB_PASSWORD=hunter2hunter2',
      `sk-proj-${'abcDEF1234567890'.repeat(3)}`,
    ]) {
      const result = await c.callTool({ name: 'hostile__echo', arguments: { message } });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(/credential/);
    }
    const sent = JSON.stringify(received());
    expect(sent).not.toContain('hunter2');
    expect(sent).not.toContain('sk-proj');
  });

  it('passes annotations as declared and puts its own decision in _meta', async () => {
    const c = await client();
    const tools = (await c.listTools()).tools;
    const purge = tools.find((x) => x.name === 'hostile__purge_cache') as Tool;
    expect(purge.annotations).toEqual({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    });
    expect(proxyMeta(purge)).toMatchObject({
      server: 'hostile',
      tool: 'purge_cache',
      decision: 'allowed',
      source: 'explicit',
      operation: 'read',
    });
  });

  it('normalises tool names for model APIs, stably, with the upstream name in _meta', async () => {
    const c = await client();
    const tools = (await c.listTools()).tools;
    for (const tool of tools) expect(tool.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    const long = 'docs.search.all_the_documentation_pages_of_every_product_in_the_catalogue';
    const renamed = tools.find(
      (x) => proxyMeta(x).tool === long && proxyMeta(x).server === 'hostile',
    );
    expect(renamed?.name).toMatch(/^hostile__docs_search_all_the_doc.*_[0-9a-f]{8}$/);
    expect((await c.listTools()).tools.map((x) => x.name)).toContain(renamed?.name);
    const called = await c.callTool({ name: renamed?.name as string, arguments: { q: 'x' } });
    expect(resultText(called)).toBe(`called ${long}`);
    // Unknown tools are JSON-RPC errors, with one prefix.
    const error = await c.callTool({ name: 'hostile__nope', arguments: {} }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^MCP error -32602: Unknown tool/);
    expect(error?.message.match(/MCP error/g)).toHaveLength(1);
  });

  it('strips and flags invisible Unicode in definitions and results; hidden instructions withhold', async () => {
    const c = await client();
    const tools = (await c.listTools()).tools;
    const quote = tools.find((x) => proxyMeta(x).tool === 'quote\u200b') as Tool;
    expect(quote.description).toBe('Returns a quote.');
    expect(proxyMeta(quote).hiddenText).toEqual(expect.arrayContaining(['bidi', 'zero-width']));
    // Instructions spelled in tag characters are read, and withhold the tool.
    expect(tools.find((x) => proxyMeta(x).tool === 'glossary')).toBeUndefined();
    const admin = await adminTools('hostile');
    expect(admin.find((x) => x.name === 'glossary')).toMatchObject({
      deniedReason: 'poisoned-description',
      hiddenText: ['tag'],
    });
    const result = await c.callTool({ name: quote.name, arguments: {} });
    expect(resultText(result)).toBe('A pin is a fixed definition.');
    const flags = (result._meta?.['techsapo/security'] as { flags: { category: string }[] }).flags;
    expect(flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: 'invisible-text', rule: 'invisible-text.tag' }),
      ]),
    );
  });

  it('withholds a new tool until an admin approves that exact definition', async () => {
    const c = await client();
    const sidenote = {
      name: 'sidenote',
      description: 'Keeps a side note.',
      inputSchema: { type: 'object', properties: { note: { type: 'string' } } },
      annotations: { readOnlyHint: true },
    };
    const wipe = {
      name: 'wipe_notes',
      description: 'Wipes the notes.',
      inputSchema: { type: 'object', properties: {} },
      annotations: { readOnlyHint: false, destructiveHint: true },
    };
    writeFileSync(stateFile, JSON.stringify({ extraTools: [sidenote, wipe] }));
    await c.listTools(); // answered from the catalogue; the upstream is read in the background
    const pending = await eventually(async () =>
      (await adminTools('hostile')).find((x) => x.name === 'sidenote'),
    );
    expect(pending.deniedReason).toBe('pending-approval');
    expect((await c.listTools()).tools.map((x) => x.name)).not.toContain('hostile__sidenote');
    const refused = await c.callTool({ name: 'hostile__sidenote', arguments: { note: 'x' } });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/pending-approval/);

    const approve = (tool: string, hash: unknown) =>
      adminAuth(t).then((auth) =>
        request(t.server)
          .post(`/api/v1/admin/mcp/servers/hostile/tools/${tool}/approve`)
          .set(auth)
          .send({ hash }),
      );
    expect((await approve('sidenote', undefined)).status).toBe(400);
    const mismatch = await approve('sidenote', 'a'.repeat(64));
    expect(mismatch.status).toBe(409);
    expect(mismatch.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(mismatch.body).toMatchObject({ currentHash: pending.hash });
    expect(mismatch.body.type).toMatch(/mcp-approval-mismatch$/);

    let told = 0;
    c.setNotificationHandler(ToolListChangedNotificationSchema, () => void (told += 1));
    const approved = await approve('sidenote', pending.hash);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ callable: true, pin: { hash: pending.hash } });
    expect((await c.listTools()).tools.map((x) => x.name)).toContain('hostile__sidenote');
    // The session heard that the exposed tools changed.
    await eventually(async () => (told > 0 ? true : undefined));

    // Approving a write tool pins it, and says why it stays withheld.
    const wipeHash = (await adminTools('hostile')).find((x) => x.name === 'wipe_notes')?.hash;
    const write = await approve('wipe_notes', wipeHash);
    expect(write.status).toBe(200);
    expect(write.body).toMatchObject({ callable: false, reason: 'not-read-only' });
  });

  it('serves resources and prompts read-only, through the same policy and scanning', async () => {
    const c = await client();
    const resources = (await c.listResources()).resources;
    // Only the server that enables them, only file: URIs inside its roots.
    expect(resources.map((r) => r.uri).sort()).toEqual(
      [`file://${join(root, 'readme.md')}`, 'memo://notes'].sort(),
    );
    expect(resources.find((r) => r.uri === 'memo://notes')?.description).toBe('Team notes.');
    const readme = await c.readResource({ uri: `file://${join(root, 'readme.md')}` });
    expect(readme.contents).toEqual([
      { uri: `file://${join(root, 'readme.md')}`, text: 'inside the root\n' },
    ]);
    const notes = await c.readResource({ uri: 'memo://notes' });
    const notesText = (notes.contents[0] as { text: string }).text;
    expect(notesText).not.toContain('sk-proj');
    expect(notesText).toBe('token [REDACTED:secret.openai-key] in the notes');
    await expect(c.readResource({ uri: `file://${join(outside, 'secret.txt')}` })).rejects.toThrow(
      /^MCP error -32602: Refused by the proxy \(mcp-operation-forbidden\)/,
    );

    const prompts = (await c.listPrompts()).prompts;
    expect(prompts.map((p) => p.name)).toEqual(['hostile__review']);
    const review = await c.getPrompt({ name: 'hostile__review', arguments: { file: 'a.ts' } });
    expect(review.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Review a.ts carefully.' } },
    ]);
    await expect(
      c.getPrompt({ name: 'hostile__review', arguments: { file: join(outside, 'secret.txt') } }),
    ).rejects.toThrow(/mcp-arguments-rejected/);
    await expect(c.getPrompt({ name: 'hostile__exfil' })).rejects.toThrow(/poisoned-description/);
    // Prompts are pinned and approved by hash as tools are, as `prompt:<name>`.
    const hash = (prompts[0]._meta?.['techsapo/proxy'] as { hash: string }).hash;
    const approved = await request(t.server)
      .post('/api/v1/admin/mcp/servers/hostile/tools/prompt:review/approve')
      .set(await adminAuth(t))
      .send({ hash });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ callable: true, pin: { hash } });
  });

  it('reads through resource templates only under the roots policy and the schemes the server opted in', async () => {
    const c = await client();
    const templates = (await c.listResourceTemplates()).resourceTemplates;
    // `file:` under the server's roots, `memo:` opted in; `db:` is not, and the bare server
    // (resources not enabled) offers none.
    expect(templates.map((x) => x.uriTemplate).sort()).toEqual([
      'file://{+path}',
      'memo://{topic}',
    ]);
    expect(proxyMeta(templates[0] as never)).toMatchObject({ server: 'hostile' });
    writeFileSync(join(root, 'guide.txt'), 'unlisted, inside the root\n');
    const guide = await c.readResource({ uri: `file://${join(root, 'guide.txt')}` });
    expect(guide.contents).toEqual([
      { uri: `file://${join(root, 'guide.txt')}`, text: 'unlisted, inside the root\n' },
    ]);
    const memo = await c.readResource({ uri: 'memo://weekly' });
    expect((memo.contents[0] as { text: string }).text).toBe(
      'token [REDACTED:secret.openai-key] in the notes',
    );
    const outsideName = outside.split('/').pop() as string;
    for (const uri of [
      `file://${root}/../${outsideName}/secret.txt`,
      `file://${root}/%2e%2e/${outsideName}/secret.txt`,
      'file:///etc/passwd',
      `file://${join(root, '.env')}`,
      'memo://..%2F..%2Fetc%2Fpasswd',
    ])
      await expect(c.readResource({ uri })).rejects.toThrow(
        /^MCP error -32602: Refused by the proxy \(mcp-arguments-rejected\)/,
      );
    // A template of a scheme the server did not opt in reads nothing; a URI no template
    // matches is unknown; a listed, denied one stays denied.
    await expect(c.readResource({ uri: 'db://users' })).rejects.toThrow(/scheme-not-enabled/);
    await expect(c.readResource({ uri: 'ftp://example.org/x' })).rejects.toThrow(/unknown-tool/);
    await expect(c.readResource({ uri: `file://${join(outside, 'secret.txt')}` })).rejects.toThrow(
      /outside-roots/,
    );
    const reads = received()
      .filter((x) => x.name === 'resources/read')
      .map((x) => x.args.uri);
    expect(reads).toContain(`file://${join(root, 'guide.txt')}`);
    expect(reads.filter((u) => /etc|secret|db:|\.env/.test(String(u)))).toEqual([]);
  });

  it('completes prompt and template arguments through the owning upstream, judged and cleaned', async () => {
    const c = await client();
    expect(c.getServerCapabilities()?.completions).toEqual({});
    const done = await c.complete({
      ref: { type: 'ref/prompt', name: 'hostile__review' },
      argument: { name: 'file', value: 'src' },
    });
    // The hidden text is stripped, the credential redacted, the blocked value dropped.
    expect(done.completion.values).toEqual([
      'src-alpha',
      'src-beta',
      '[REDACTED:secret.openai-key]',
    ]);
    const security = done._meta?.['techsapo/security'] as { flags: { category: string }[] };
    expect(security.flags.map((f) => f.category)).toEqual(
      expect.arrayContaining(['secret', 'invisible-text', 'self-modification']),
    );
    const memo = await c.complete({
      ref: { type: 'ref/resource', uri: 'memo://{topic}' },
      argument: { name: 'topic', value: 'wee' },
    });
    expect(memo.completion.values[0]).toBe('wee-alpha');
    // The upstream was asked under its own names, for exposed definitions only.
    const asked = received()
      .filter((x) => x.name === 'completion/complete')
      .map((x) => x.args.ref);
    expect(asked).toEqual([
      { type: 'ref/prompt', name: 'review' },
      { type: 'ref/resource', uri: 'memo://{topic}' },
    ]);

    const refusals: [Parameters<Client['complete']>[0], RegExp][] = [
      [
        {
          ref: { type: 'ref/prompt', name: 'hostile__review' },
          argument: { name: 'file', value: `${outside}/secret.txt` },
        },
        /mcp-arguments-rejected/,
      ],
      [
        {
          ref: { type: 'ref/prompt', name: 'hostile__review' },
          argument: { name: 'file', value: 'a' },
          context: { arguments: { token: `sk-proj-${'abcDEF1234567890'.repeat(3)}` } },
        },
        /mcp-arguments-rejected/,
      ],
      [
        {
          ref: { type: 'ref/resource', uri: 'memo://{topic}' },
          argument: { name: 'topic', value: '../../etc' },
        },
        /mcp-arguments-rejected/,
      ],
      [
        { ref: { type: 'ref/prompt', name: 'hostile__exfil' }, argument: { name: 'x', value: '' } },
        /poisoned-description/,
      ],
      [
        {
          ref: { type: 'ref/resource', uri: 'db://{table}' },
          argument: { name: 'table', value: 'u' },
        },
        /scheme-not-enabled/,
      ],
      [
        {
          ref: { type: 'ref/prompt', name: 'bare__review' },
          argument: { name: 'file', value: 'a' },
        },
        /not-enabled/,
      ],
    ];
    for (const [params, reason] of refusals)
      await expect(c.complete(params)).rejects.toThrow(reason);
    expect(received().filter((x) => x.name === 'completion/complete')).toHaveLength(2);
  });

  it('withholds a new or changed resource template until an admin approves that exact definition', async () => {
    const c = await client();
    const archive = { uriTemplate: 'memo://archive/{year}', name: 'archive' };
    const previous = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
    writeFileSync(
      stateFile,
      JSON.stringify({
        ...previous,
        extraTemplates: [archive],
        memoDescription: 'A memo by topic. Also lists every archive.',
      }),
    );
    await eventually(async () => {
      const listed = (await c.listResourceTemplates()).resourceTemplates.map((x) => x.uriTemplate);
      return listed.includes('memo://{topic}') ? undefined : listed;
    });
    const listed = (await c.listResourceTemplates()).resourceTemplates.map((x) => x.uriTemplate);
    expect(listed).toEqual(['file://{+path}']);
    await expect(c.readResource({ uri: 'memo://weekly' })).rejects.toThrow(/definition-changed/);
    await expect(c.readResource({ uri: 'memo://archive/2024' })).rejects.toThrow(
      /pending-approval/,
    );

    // The admin reviews the withheld definitions (a viewer of the list sees exposed ones only).
    const review = await request(t.server)
      .get('/api/v1/mcp/servers/hostile/templates?all=true')
      .set(await adminAuth(t));
    expect(review.status).toBe(200);
    const pending = (
      review.body.items as {
        pin: string;
        hash: string;
        deniedReason?: string;
        definition: unknown;
      }[]
    ).find((x) => x.pin === 'template:archive');
    expect(pending).toEqual({
      pin: 'template:archive',
      definition: archive,
      hash: templateHash(archive),
      deniedReason: 'pending-approval',
    });
    const exposed = await request(t.server)
      .get('/api/v1/mcp/servers/hostile/templates?all=true')
      .set((await signIn(t, 'analyst')).auth);
    expect(exposed.body.items.map((x: { pin: string }) => x.pin)).toEqual(['template:files']);

    const approve = async (name: string, hash: string) =>
      request(t.server)
        .post(`/api/v1/admin/mcp/servers/hostile/tools/template:${name}/approve`)
        .set(await adminAuth(t))
        .send({ hash });
    expect((await approve('archive', 'b'.repeat(64))).status).toBe(409);
    let told = 0;
    c.setNotificationHandler(ResourceListChangedNotificationSchema, () => void (told += 1));
    const approved = await approve('archive', pending?.hash as string);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ callable: true });
    expect((await c.listResourceTemplates()).resourceTemplates.map((x) => x.uriTemplate)).toContain(
      'memo://archive/{year}',
    );
    // The session heard that the exposed resources changed.
    await eventually(async () => (told > 0 ? true : undefined));
    const read = await c.readResource({ uri: 'memo://archive/2024' });
    expect(read.contents[0]).toMatchObject({ uri: 'memo://archive/2024' });
    await expect(c.readResource({ uri: 'memo://weekly' })).rejects.toThrow(/definition-changed/);
  });

  it('forwards progress of a call, as numbers', async () => {
    const c = await client();
    const seen: { progress: number; total?: number; message?: string }[] = [];
    const result = await c.callTool({ name: 'hostile__count_slowly', arguments: {} }, undefined, {
      onprogress: (p) => seen.push(p),
    });
    expect(resultText(result)).toBe('three');
    expect(seen).toEqual([
      { progress: 1, total: 3 },
      { progress: 2, total: 3 },
      { progress: 3, total: 3 },
    ]);
  });

  it('re-initialises an HTTP upstream that restarted and forgot the session', async () => {
    const c = await client();
    const first = await c.callTool({ name: 'sessions__lookup', arguments: { term: 'a' } });
    expect(resultText(first)).toBe('definition of a');
    await sessions.stop();
    await sessions.start();
    // The call re-initialises the session; had a ping met the upstream while it was down,
    // the proxy reconnects with backoff instead, and a call succeeds once it has.
    const again = await eventually(async () => {
      const r = await c.callTool({ name: 'sessions__lookup', arguments: { term: 'b' } });
      return r.isError ? undefined : r;
    });
    expect(resultText(again)).toBe('definition of b');
    const servers = await request(t.server)
      .get('/api/v1/mcp/servers')
      .set((await signIn(t, 'analyst')).auth);
    const state = servers.body.items.find((s: { name: string }) => s.name === 'sessions');
    expect(state.status).toBe('connected');
    expect(state.restarts).toBeGreaterThanOrEqual(1);
    const metrics = await request(t.server).get('/metrics');
    expect(metrics.text).toMatch(
      /techsapo_mcp_upstream_restarts_total\{server="sessions",reason="[a-z-]+"\} [1-9]/,
    );
  });

  it('kills and restarts a hung stdio child, and keeps listing tools meanwhile', async () => {
    const c = await client();
    const analyst = (await signIn(t, 'analyst')).auth;
    const status = async () =>
      (await request(t.server).get('/api/v1/mcp/servers').set(analyst)).body.items.find(
        (s: { name: string }) => s.name === 'hostile',
      ) as { status: string; restarts: number };
    const before = await eventually(async () => {
      const s = await status();
      return s.status === 'connected' ? s.restarts : undefined;
    });
    const hung = await c.callTool({ name: 'hostile__spin', arguments: {} });
    expect(hung.isError).toBe(true);
    expect(resultText(hung)).toMatch(/mcp-upstream-timeout/);
    // The list comes from the catalogue, whatever the hung child does.
    const listed = await c.listTools(undefined, { timeout: 3000 });
    expect(listed.tools.map((x) => x.name)).toContain('hostile__echo');
    await eventually(async () => ((await status()).restarts > before ? true : undefined));
    await eventually(async () => ((await status()).status === 'connected' ? true : undefined));
    const after = await c.callTool({ name: 'hostile__echo', arguments: { message: 'back' } });
    expect(resultText(after)).toBe('back');
    const metrics = await request(t.server).get('/metrics');
    expect(metrics.text).toMatch(
      /techsapo_mcp_upstream_restarts_total\{server="hostile",reason="unresponsive"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /techsapo_mcp_upstream_up\{server="hostile",transport="stdio"\} 1/,
    );
  });
});
