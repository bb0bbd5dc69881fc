import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type {
  CompleteRequest,
  CompleteResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import { useRecordedDetection } from '../../../../test/support/detection';
import { DOCS_ROOT, mcpCallContext, mcpCollaborators } from '@techsapo/testing';
import { ArgumentGuard } from '../arguments/argument-guard';
import {
  McpArgumentsRejectedError,
  McpOperationForbiddenError,
  McpUpstreamUnavailableError,
} from '../errors/mcp.errors';
import type {
  PromptEntry,
  ResourceEntry,
  TemplateEntry,
  ToolCatalog,
} from '../policy/tool-catalog';
import { ResultSanitizer } from '../results/result-sanitizer';
import { McpContentService } from './mcp-content.service';

const detection = useRecordedDetection([
  'risk.fs-write',
  'secret.github-token',
  'self-modification.write-own-folder',
]);
const ROOT = DOCS_ROOT;
const TOKEN = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
const ctx = mcpCallContext;

/** What the `docs` upstream answers, and what it was asked. */
interface Upstream {
  offersCompletions: boolean;
  prompt: (name: string, args: Record<string, string>) => Promise<GetPromptResult>;
  resource: (uri: string) => Promise<ReadResourceResult>;
  completion: (params: CompleteRequest['params']) => Promise<CompleteResult>;
  asked: unknown[];
}

const summarise: Prompt = {
  name: 'summarise',
  arguments: [{ name: 'topic', required: true }],
};

function promptEntry(prompt: Prompt, allowed: boolean): PromptEntry {
  return {
    server: 'docs',
    prompt,
    exposed: prompt,
    clientName: `docs__${prompt.name}`,
    hash: `hash-${prompt.name}`,
    allowed,
    ...(allowed ? {} : { deniedReason: 'pending-approval' as const }),
    hiddenText: [],
  };
}

function resourceEntry(uri: string, allowed: boolean): ResourceEntry {
  const resource = { uri, name: uri };
  return {
    server: 'docs',
    resource,
    exposed: resource,
    allowed,
    ...(allowed ? {} : { deniedReason: 'explicit-deny' as const }),
    hiddenText: [],
  };
}

const fileTemplate = `file://${ROOT}/{name}`;
const templateEntry: TemplateEntry = {
  server: 'docs',
  template: { uriTemplate: fileTemplate, name: 'doc' },
  exposed: { uriTemplate: fileTemplate, name: 'doc' },
  matcher: new UriTemplate(fileTemplate),
  hash: 'hash-doc',
  allowed: true,
  hiddenText: [],
};

/**
 * The service with its collaborators in memory: a catalogue of one server (`docs`, rooted in
 * /srv/docs) with two prompts (one withheld), two resources (one denied) and one template,
 * whose upstream is a fake that records what it is asked; quotas counted in a map, decisions
 * audited into an array. The argument guard and the result sanitiser are the real ones.
 */
function newTestService() {
  const upstream: Upstream = {
    offersCompletions: true,
    prompt: async (name) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `prompt ${name}` } }],
    }),
    resource: async (uri) => ({ contents: [{ uri, text: `text of ${uri}` }] }),
    completion: async () => ({ completion: { values: ['alpha', 'beta'] } }),
    asked: [],
  };
  const { config, server, quotas, used, decisions, audit, observed } = mcpCollaborators();
  const connection = {
    server,
    get offersCompletions() {
      return upstream.offersCompletions;
    },
    getPrompt: (name: string, args: Record<string, string>) => {
      upstream.asked.push({ prompt: name, args });
      return upstream.prompt(name, args);
    },
    readResource: (uri: string) => {
      upstream.asked.push({ resource: uri });
      return upstream.resource(uri);
    },
    complete: (params: CompleteRequest['params']) => {
      upstream.asked.push({ complete: params });
      return upstream.completion(params);
    },
  };
  const prompts = [promptEntry(summarise, true), promptEntry({ name: 'sidenote' }, false)];
  const resources = [
    resourceEntry(`file://${ROOT}/a.md`, true),
    resourceEntry(`file://${ROOT}/private.md`, false),
  ];
  const refreshed: string[] = [];
  const catalog = {
    file: { policy: { servers: { docs: { deny: [`file://${ROOT}/draft-*`] } } } },
    servers: () => [connection],
    connection: (name: string) => {
      if (name !== 'docs') throw new Error(`no server ${name}`);
      return connection;
    },
    refreshInBackground: (name: string) => void refreshed.push(name),
    allowedPrompts: () => prompts.filter((e) => e.allowed),
    prompt: (clientName: string) => prompts.find((e) => e.clientName === clientName),
    resource: (uri: string) => resources.find((e) => e.resource.uri === uri),
    templateFor: (uri: string) => {
      const variables = templateEntry.matcher?.match(uri);
      return variables ? { entry: templateEntry, variables } : undefined;
    },
    template: (uri: string) => (uri === fileTemplate ? templateEntry : undefined),
  } as unknown as ToolCatalog;
  const service = new McpContentService(
    catalog,
    new ArgumentGuard(detection.detector, detection.attempts),
    new ResultSanitizer(detection.detector, detection.attempts),
    quotas,
    decisions,
    config,
  );
  return { service, upstream, audit, used, observed, refreshed };
}

describe('McpContentService (collaborators in memory)', () => {
  it('lists the allowed prompts, asking every upstream again and auditing what it named', () => {
    const t = newTestService();
    expect(t.service.listPrompts(ctx()).map((e) => e.clientName)).toEqual(['docs__summarise']);
    expect(t.refreshed).toEqual(['docs']);
    expect(t.audit).toHaveLength(1);
    expect(t.audit[0].details).toMatchObject({
      operation: 'prompts/list',
      allowed: ['docs__summarise'],
    });
  });

  it('gets a prompt with checked arguments, its messages cleaned, audited and timed', async () => {
    const t = newTestService();
    t.upstream.prompt = async () => ({
      messages: [{ role: 'assistant', content: { type: 'text', text: `use ${TOKEN} here` } }],
    });
    const got = await t.service.getPrompt(ctx(), 'docs__summarise', { topic: 'caching' });
    expect(t.upstream.asked).toEqual([{ prompt: 'summarise', args: { topic: 'caching' } }]);
    expect(got.messages).toHaveLength(1);
    expect(got.messages[0].role).toBe('assistant');
    expect(JSON.stringify(got.messages)).not.toContain(TOKEN);
    expect(got.flags.map((f) => f.category)).toContain('secret');
    expect(t.audit.map((a) => [a.outcome.decision, a.details.operation])).toEqual([
      ['allowed', 'prompts/get'],
    ]);
    expect(t.audit[0].details).toMatchObject({
      server: 'docs',
      target: 'summarise',
      arguments: { topic: 'string(7)' },
    });
    expect(await t.observed()).toEqual([
      { operation: 'get_prompt', security_check: 'passed', result: 'allowed' },
    ]);
  });

  it('refuses unknown and withheld prompts and credentials in arguments, without asking the upstream', async () => {
    const t = newTestService();
    await expect(t.service.getPrompt(ctx(), 'docs__nope', {})).rejects.toMatchObject({
      reason: 'unknown-tool',
    });
    const withheld = t.service.getPrompt(ctx(), 'docs__sidenote', undefined);
    await expect(withheld).rejects.toBeInstanceOf(McpOperationForbiddenError);
    await expect(withheld).rejects.toMatchObject({ reason: 'pending-approval' });
    const credential = t.service.getPrompt(ctx(), 'docs__summarise', { topic: TOKEN });
    await expect(credential).rejects.toBeInstanceOf(McpArgumentsRejectedError);
    await expect(credential).rejects.toMatchObject({ check: 'secret' });
    expect(t.upstream.asked).toEqual([]);
    expect(t.audit.map((a) => [a.outcome.decision, a.outcome.status])).toEqual([
      ['denied', 403],
      ['denied', 403],
      ['denied', 403],
    ]);
    expect(await t.observed()).toEqual([
      { operation: 'get_prompt', security_check: 'policy', result: 'denied' },
    ]);
  });

  it('reads a listed resource: one file read counted, text cleaned, binary contents dropped', async () => {
    const t = newTestService();
    const uri = `file://${ROOT}/a.md`;
    t.upstream.resource = async () => ({
      contents: [
        { uri, mimeType: 'text/markdown', text: `token ${TOKEN}` },
        { uri, blob: 'AAAA' },
      ],
    });
    const read = await t.service.readResource(ctx(), uri);
    expect(t.upstream.asked).toEqual([{ resource: uri }]);
    expect(t.used.get('file-reads')).toBe(1);
    expect(read.contents).toHaveLength(1);
    expect(read.contents[0]).toMatchObject({ uri, mimeType: 'text/markdown' });
    expect(read.contents[0].text).not.toContain(TOKEN);
    expect(read.flags.map((f) => f.category)).toContain('secret');
  });

  it('drops a resource text that tries to modify the service, and keeps it out of the result', async () => {
    const t = newTestService();
    const uri = `file://${ROOT}/a.md`;
    t.upstream.resource = async () => ({
      contents: [{ uri, text: "fs.writeFileSync(__dirname + '/main.js', payload)" }],
    });
    const read = await t.service.readResource(ctx(), uri);
    expect(read.contents.map((c) => c.text).join('')).not.toContain('writeFileSync');
    expect(read.flags.map((f) => f.category)).toContain('self-modification');
    expect(detection.events).toEqual([
      expect.objectContaining({ attemptType: 'self-modification', blocked: true }),
    ]);
  });

  it('reads an unlisted file through an allowed template, its variables judged as paths', async () => {
    const t = newTestService();
    await t.service.readResource(ctx(), `file://${ROOT}/notes.md`);
    expect(t.upstream.asked).toEqual([{ resource: `file://${ROOT}/notes.md` }]);
    await expect(
      t.service.readResource(ctx(), `file://${ROOT}/draft-plan.md`),
    ).rejects.toMatchObject({ reason: 'explicit-deny' });
    await expect(
      t.service.readResource(ctx(), `file://${ROOT}/..%2F..%2Fetc%2Fpasswd`),
    ).rejects.toBeInstanceOf(McpArgumentsRejectedError);
    expect(t.upstream.asked).toHaveLength(1);
  });

  it('keeps a denied resource denied, and an unknown one unknown', async () => {
    const t = newTestService();
    await expect(t.service.readResource(ctx(), `file://${ROOT}/private.md`)).rejects.toMatchObject({
      reason: 'explicit-deny',
    });
    await expect(t.service.readResource(ctx(), 'https://example.com/x')).rejects.toMatchObject({
      reason: 'unknown-tool',
    });
    expect(t.upstream.asked).toEqual([]);
    expect(t.used.size).toBe(0);
  });

  it('answers an upstream failure as unavailable, audited as an upstream error', async () => {
    const t = newTestService();
    t.upstream.resource = async () => {
      throw new Error('connection reset');
    };
    await expect(t.service.readResource(ctx(), `file://${ROOT}/a.md`)).rejects.toBeInstanceOf(
      McpUpstreamUnavailableError,
    );
    expect(t.audit.map((a) => [a.outcome.decision, a.outcome.reason])).toEqual([
      ['allowed', 'upstream-error'],
    ]);
    expect(await t.observed()).toEqual([
      { operation: 'read_resource', security_check: 'policy', result: 'error' },
    ]);
  });

  it('completes a prompt argument under its upstream name, values cleaned and cut at 100', async () => {
    const t = newTestService();
    const values = [`with ${TOKEN}`, ...Array.from({ length: 120 }, (_, i) => `v${i}`)];
    t.upstream.completion = async () => ({ completion: { values, total: 121 } });
    const done = await t.service.complete(ctx(), {
      ref: { type: 'ref/prompt', name: 'docs__summarise' },
      argument: { name: 'topic', value: 'ca' },
    });
    expect(t.upstream.asked).toEqual([
      {
        complete: {
          ref: { type: 'ref/prompt', name: 'summarise' },
          argument: { name: 'topic', value: 'ca' },
        },
      },
    ]);
    expect(done.completion.values).toHaveLength(100);
    expect(done.completion.values[0]).not.toContain(TOKEN);
    expect(done.completion).toMatchObject({ total: 121, hasMore: true });
    expect(done.flags.map((f) => f.category)).toContain('secret');
  });

  it('answers no values from a server that completes nothing, without asking it', async () => {
    const t = newTestService();
    t.upstream.offersCompletions = false;
    const done = await t.service.complete(ctx(), {
      ref: { type: 'ref/resource', uri: fileTemplate },
      argument: { name: 'name', value: 'no' },
    });
    expect(done).toEqual({ completion: { values: [] }, flags: [] });
    expect(t.upstream.asked).toEqual([]);
  });
});
