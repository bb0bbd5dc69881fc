import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth, signIn } from './support/auth';
import { FakeProvider, FakeProviders, startFakeProviders } from './support/fake-providers';
import {
  connectClient,
  resultText,
  filesystemUpstream,
  tempDir,
  writeMcpConfig,
} from './support/mcp-upstreams';
import { listenOnLoopback, startTestApp, TestApp } from './support/test-app';
import { cooperative } from './support/wall-bounce-engine';

const PEERS: FakeProvider[] = [
  { name: 'peer-a', kind: 'openai', priceInputPer1M: 1, priceOutputPer1M: 2 },
  { name: 'peer-b', kind: 'anthropic', priceInputPer1M: 1, priceOutputPer1M: 2 },
  { name: 'peer-c', kind: 'gemini', priceInputPer1M: 1, priceOutputPer1M: 2 },
];
const FINAL = 'Use SET key value EX 60; Redis removes the key after sixty seconds.';
const PEER_A = `Use SET key value EX 60 so that the entry expires. ${'More detail. '.repeat(40)}`;
const answer = cooperative(
  {
    'peer-a': PEER_A,
    'peer-b': 'Set it with SET key value EX 60; Redis removes it after sixty seconds.',
    'peer-c': 'Store it with SET and EX 60, or call EXPIRE on the key afterwards.',
  },
  { answer: FINAL, dissent: ['peer-c also suggests EXPIRE'] },
);
const marker = (): string => `m-${Math.random().toString(36).slice(2, 12)}`;

interface Structured {
  analysisId: string;
  answer: string;
  consensus: { score: number; level: string };
  confidence: number;
  degraded: boolean;
  dissent: string[];
  providers: { name: string; status: string; summary?: string; usage: { costUsd: number } }[];
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
}

describe('MCP tool techsapo__analyze (the MCP SDK client over HTTP, real engine, fake providers)', () => {
  let t: TestApp;
  let fakes: FakeProviders;
  let url: string;
  const clients: Client[] = [];
  const client = async (headers: Record<string, string>): Promise<Client> => {
    const c = await connectClient(url, headers);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    fakes = await startFakeProviders();
    // Peers take a little while, so that progress is reported while the analysis runs.
    for (const p of PEERS) fakes.script(p.name, (call) => ({ ...answer(call), latencyMs: 60 }));
    const root = tempDir('techsapo-mcp-analyze-');
    t = await startTestApp(
      fakes.env(PEERS, {
        ROLE: 'all',
        WALL_BOUNCE_AGGREGATOR: 'peer-a',
        MCP_CONFIG: writeMcpConfig(tempDir('techsapo-mcp-analyze-config-'), {
          servers: [filesystemUpstream(root)],
        }),
        MCP_SESSION_ANALYSES: '2',
      }),
    );
    url = `${await listenOnLoopback(t)}/mcp`;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await fakes?.close();
    await t?.close();
  });

  it('is listed beside the proxied upstream tools, read-only, with its profiles', async () => {
    const c = await client((await signIn(t, 'analyst')).auth);
    const { tools } = await c.listTools();
    expect(tools[0]).toMatchObject({
      name: 'techsapo__analyze',
      annotations: { readOnlyHint: true, destructiveHint: false },
      inputSchema: {
        required: ['content'],
        properties: { mode: { enum: ['parallel', 'sequential', 'council'] } },
      },
    });
    expect(tools.some((tool) => tool.name.startsWith('fs__'))).toBe(true);
  });

  it('runs an analysis with progress notifications, answering text and structured content', async () => {
    const analyst = await signIn(t, 'analyst');
    const c = await client(analyst.auth);
    await c.listTools(); // the client checks structuredContent against the listed outputSchema
    const progress: { progress: number; message?: string }[] = [];
    const result = await c.callTool(
      {
        name: 'techsapo__analyze',
        arguments: {
          content: `How should a cache entry expire in Redis? ${marker()}`,
          mode: 'council',
        },
      },
      undefined,
      { onprogress: (p) => progress.push(p), timeout: 30_000 },
    );
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as unknown as Structured;
    const text = (result.content as { type: string; text: string }[])[0].text;
    expect(
      text.startsWith(`${FINAL}\n\n---\nMeasured consensus ${structured.consensus.score}`),
    ).toBe(true);

    // The same analysis as the REST API shows it.
    const rest = await request(t.server)
      .get(`/api/v1/analyses/${structured.analysisId}`)
      .set(analyst.auth);
    expect(rest.body.mode).toBe('council');
    const { result: stored, usage } = rest.body;
    expect(structured).toMatchObject({
      answer: FINAL,
      consensus: { score: stored.consensus.score, level: stored.consensus.level },
      confidence: stored.confidence,
      degraded: stored.degraded,
      dissent: stored.dissent,
      // What the aggregator said of the peers stays apart, as its claims.
      aggregatorClaims: { dissent: ['peer-c also suggests EXPIRE'] },
      usage: {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costUsd: usage.costUsd,
      },
    });
    expect(structured.usage.costUsd).toBeGreaterThan(0);
    expect(structured.providers.map((p) => [p.name, p.status])).toEqual([
      ['peer-a', 'ok'],
      ['peer-b', 'ok'],
      ['peer-c', 'ok'],
    ]);
    const summary = structured.providers[0].summary as string;
    expect(summary.length).toBeLessThanOrEqual(280);
    expect(summary.startsWith('Use SET key value EX 60 so that the entry expires.')).toBe(true);

    // Progress arrives on the session's stream while the analysis runs.
    for (let i = 0; i < 50 && !progress.some((p) => /completed/.test(p.message ?? '')); i += 1)
      await new Promise((r) => setTimeout(r, 20));
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.map((p) => p.message)).toEqual(
      expect.arrayContaining(['provider started peer-a (peer)', 'review completed peer-b']),
    );
    const steps = progress.map((p) => p.progress);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('counts analyses against the user’s own quota, whatever the session', async () => {
    const { auth } = await signIn(t, 'analyst');
    const c = await client(auth);
    const analyze = (on: Client) =>
      on.callTool({ name: 'techsapo__analyze', arguments: { content: `Quota ${marker()}` } });
    expect((await analyze(c)).isError).toBeFalsy();
    expect((await analyze(c)).isError).toBeFalsy();
    const refused = (await analyze(c)) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/mcp-quota-exceeded\): You have used your 2 analyses/);
    // A new session of the same user does not reset the count.
    const again = (await analyze(await client(auth))) as CallToolResult;
    expect(again.isError).toBe(true);
    expect(resultText(again)).toMatch(/mcp-quota-exceeded/);
  });

  it('refuses invalid arguments and a spent budget, and audits every call', async () => {
    const user = await signIn(t, 'analyst');
    const c = await client(user.auth);
    const invalid = (await c.callTool({
      name: 'techsapo__analyze',
      arguments: { content: 'x', mode: 'solo', extra: 1 },
    })) as CallToolResult;
    expect(invalid.isError).toBe(true);
    expect(resultText(invalid)).toMatch(/validation-failed/);
    const set = await request(t.server)
      .put(`/api/v1/admin/budgets/users/${user.userId}`)
      .set(await adminAuth(t))
      .send({ dailyUsd: 0 });
    expect(set.status).toBe(200);
    const before = PEERS.reduce((n, p) => n + fakes.calls(p.name).length, 0);
    const spent = (await c.callTool({
      name: 'techsapo__analyze',
      arguments: { content: `Spent ${marker()}` },
    })) as CallToolResult;
    expect(spent.isError).toBe(true);
    expect(resultText(spent)).toMatch(/budget-exceeded/);
    expect(PEERS.reduce((n, p) => n + fakes.calls(p.name).length, 0)).toBe(before);

    const calls = (await auditEntries(t)).filter(
      (e) =>
        e.type === 'mcp' &&
        e.actor?.id === user.userId &&
        e.details?.operation === 'tools/call' &&
        e.details?.server === 'techsapo',
    );
    expect(calls.map((e) => [e.details.tool, e.outcome.decision, e.outcome.reason])).toEqual([
      ['analyze', 'denied', 'validation-failed'],
      ['analyze', 'denied', 'budget-exceeded'],
    ]);
  });
});
