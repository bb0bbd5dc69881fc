import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signIn } from './support/auth';
import {
  connectClient,
  EVERYTHING_SERVER,
  filesystemUpstream,
  resultText,
  tempDir,
  writeMcpConfig,
} from './support/mcp-upstreams';
import { listenOnLoopback, startTestApp, TestApp } from './support/test-app';

const TEXT_TEMPLATE = 'demo://resource/dynamic/text/{resourceId}';

/**
 * The proxy in front of servers that are not ours, as an agent would use it: the published
 * `@modelcontextprotocol/server-everything` (tools, resources, resource templates, prompts and
 * completions) and `@modelcontextprotocol/server-filesystem` (rooted in a temporary folder),
 * both as stdio children, and the SDK's Client on /mcp.
 */
describe('MCP proxy in front of the published reference servers', () => {
  let t: TestApp;
  let url: string;
  let root: string;
  let outside: string;
  const clients: Client[] = [];

  const client = async (): Promise<Client> => {
    const c = await connectClient(url, (await signIn(t, 'analyst')).auth);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    root = tempDir('techsapo-mcp-real-root-');
    outside = tempDir('techsapo-mcp-real-outside-');
    writeFileSync(join(root, 'plan.md'), '# Plan\nship the proxy\n');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(outside, 'secret.txt'), 'outside the root\n');
    const config = writeMcpConfig(tempDir('techsapo-mcp-real-config-'), {
      servers: [
        filesystemUpstream(root),
        {
          name: 'everything',
          transport: 'stdio',
          command: 'node',
          args: [EVERYTHING_SERVER, 'stdio'],
        },
      ],
      policy: {
        servers: {
          everything: { resources: true, prompts: true, templateSchemes: ['demo'] },
        },
      },
    });
    t = await startTestApp({ MCP_CONFIG: config });
    url = `${await listenOnLoopback(t)}/mcp`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t?.close();
  });

  it('lists their read-only tools and none of their write or state-changing tools', async () => {
    const c = await client();
    const names = (await c.listTools()).tools.map((x) => x.name);
    for (const tool of ['fs__read_text_file', 'fs__list_directory', 'everything__echo'])
      expect(names).toContain(tool);
    for (const tool of [
      'fs__write_file',
      'fs__edit_file',
      'fs__create_directory',
      'fs__move_file',
      'everything__toggle-simulated-logging',
      'everything__gzip-file-as-resource',
    ])
      expect(names).not.toContain(tool);
  });

  it('calls a read-only tool of each and refuses a write tool and traversal', async () => {
    const c = await client();
    const echo = await c.callTool({ name: 'everything__echo', arguments: { message: 'hello' } });
    expect(echo.isError).toBeFalsy();
    expect(resultText(echo)).toContain('hello');
    const plan = await c.callTool({
      name: 'fs__read_text_file',
      arguments: { path: join(root, 'plan.md') },
    });
    expect(resultText(plan)).toContain('ship the proxy');

    const before = readdirSync(root).sort();
    const write = await c.callTool({
      name: 'fs__write_file',
      arguments: { path: join(root, 'x.txt'), content: 'x' },
    });
    expect(write.isError).toBe(true);
    expect(resultText(write)).toMatch(/mcp-operation-forbidden/);
    for (const path of [
      join(root, '..', outside.split('/').pop() as string, 'secret.txt'),
      join(outside, 'secret.txt'),
    ]) {
      const refused = await c.callTool({ name: 'fs__read_text_file', arguments: { path } });
      expect(refused.isError).toBe(true);
      expect(resultText(refused)).toMatch(/mcp-arguments-rejected/);
    }
    expect(readdirSync(root).sort()).toEqual(before);
  });

  it('serves their resources, templates and prompts read-only', async () => {
    const c = await client();
    const resources = (await c.listResources()).resources.map((r) => r.uri);
    expect(resources).toContain('demo://resource/static/document/architecture.md');
    const templates = (await c.listResourceTemplates()).resourceTemplates.map((x) => x.uriTemplate);
    expect(templates).toEqual(
      expect.arrayContaining([TEXT_TEMPLATE, 'demo://resource/dynamic/blob/{resourceId}']),
    );
    // A URI no server listed, read through the template.
    const dynamic = await c.readResource({ uri: 'demo://resource/dynamic/text/7' });
    expect(dynamic.contents).toEqual([
      expect.objectContaining({
        uri: 'demo://resource/dynamic/text/7',
        text: expect.stringMatching(/^Resource 7: This is a plaintext resource/),
      }),
    ]);
    // Binary contents are dropped.
    const blob = await c.readResource({ uri: 'demo://resource/dynamic/blob/7' });
    expect(blob.contents).toEqual([]);
    // A variable that climbs out is refused before it reaches the server.
    await expect(
      c.readResource({ uri: 'demo://resource/dynamic/text/..%2F..%2Fetc%2Fpasswd' }),
    ).rejects.toThrow(/mcp-arguments-rejected/);

    const prompts = (await c.listPrompts()).prompts.map((p) => p.name);
    expect(prompts).toEqual(
      expect.arrayContaining(['everything__simple-prompt', 'everything__completable-prompt']),
    );
    const promoted = await c.getPrompt({
      name: 'everything__completable-prompt',
      arguments: { department: 'Engineering', name: 'Alice' },
    });
    expect(JSON.stringify(promoted.messages)).toContain(
      'promote Alice to the head of the Engineering team',
    );
  });

  it('forwards completions of their prompts and templates, with the context', async () => {
    const c = await client();
    expect(c.getServerCapabilities()?.completions).toEqual({});
    const department = await c.complete({
      ref: { type: 'ref/prompt', name: 'everything__completable-prompt' },
      argument: { name: 'department', value: 'S' },
    });
    expect(department.completion.values).toEqual(['Sales', 'Support']);
    const lead = await c.complete({
      ref: { type: 'ref/prompt', name: 'everything__completable-prompt' },
      argument: { name: 'name', value: '' },
      context: { arguments: { department: 'Engineering' } },
    });
    expect(lead.completion.values).toEqual(['Alice', 'Bob', 'Charlie']);
    const id = await c.complete({
      ref: { type: 'ref/resource', uri: TEXT_TEMPLATE },
      argument: { name: 'resourceId', value: '7' },
    });
    expect(id.completion.values).toEqual(['7']);
    await expect(
      c.complete({
        ref: { type: 'ref/prompt', name: 'everything__completable-prompt' },
        argument: { name: 'department', value: '../../etc' },
      }),
    ).rejects.toThrow(/mcp-arguments-rejected/);
  });
});
