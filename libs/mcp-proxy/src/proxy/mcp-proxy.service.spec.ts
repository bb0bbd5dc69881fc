import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { SecurityEventInput, SecurityEventService } from '@techsapo/audit';
import { useRecordedDetection } from '../../../../test/support/detection';
import { DOCS_ROOT, mcpCallContext, mcpCollaborators } from '@techsapo/testing';
import { ArgumentGuard } from '../arguments/argument-guard';
import type { UpstreamServer } from '../config/mcp-file';
import {
  McpArgumentsRejectedError,
  McpOperationForbiddenError,
  McpQuotaExceededError,
  McpUpstreamTimeoutError,
  McpUpstreamUnavailableError,
  type DenialReason,
} from '../errors/mcp.errors';
import type { ToolPinsService } from '../pinning/tool-pins.service';
import { toolDefinition } from '../pinning/tool-definition';
import type { CatalogEntry, ToolCatalog } from '../policy/tool-catalog';
import { ResultSanitizer } from '../results/result-sanitizer';
import { UpstreamTimeoutError, type UpstreamStatus } from '../upstream/upstream-connection';
import { McpProxyService } from './mcp-proxy.service';

const detection = useRecordedDetection(['secret.github-token']);
const ROOT = DOCS_ROOT;

const ctx = mcpCallContext;

interface Upstream {
  status: UpstreamStatus;
  server: UpstreamServer;
  /** What the upstream answers (or throws) to a call. */
  answer: (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;
  calls: { name: string; args: Record<string, unknown> }[];
}

/**
 * The service with its collaborators in memory: a catalogue of one server (`docs`, rooted in
 * /srv/docs) whose upstream is a fake that records calls, quotas counted in a map, the audit
 * trail and security events as arrays, the duration histogram in its own registry. The
 * argument guard and the result sanitiser are the real ones (pure, over the
 * real detector with the rule the inputs touch).
 */
function newTestService(tools: { tool: Tool; allowed: boolean; deniedReason?: DenialReason }[]) {
  const { config, server, quotas, used, decisions, audit, observed } = mcpCollaborators();
  const upstream: Upstream = {
    status: 'connected',
    server,
    answer: async (name) => ({ content: [{ type: 'text', text: `called ${name}` }] }),
    calls: [],
  };
  const connection = {
    get status() {
      return upstream.status;
    },
    server: upstream.server,
    callTool: (name: string, args: Record<string, unknown>) => {
      upstream.calls.push({ name, args });
      return upstream.answer(name, args);
    },
  };
  const entries = new Map<string, CatalogEntry>(
    tools.map(({ tool, allowed, deniedReason }) => [
      tool.name,
      {
        server: 'docs',
        tool,
        exposed: tool,
        clientName: `docs__${tool.name}`,
        hash: `hash-${tool.name}`,
        allowed,
        reviewed: toolDefinition(tool),
        ...(allowed ? { operation: 'read' as const } : { deniedReason }),
        hiddenText: [],
      },
    ]),
  );
  const catalog = {
    connection: (name: string) => {
      if (name !== 'docs') throw new Error(`no server ${name}`);
      return connection;
    },
    entry: (server: string, tool: string) => (server === 'docs' ? entries.get(tool) : undefined),
  } as unknown as ToolCatalog;
  const events: SecurityEventInput[] = [];
  const service = new McpProxyService(
    catalog,
    {} as ToolPinsService,
    new ArgumentGuard(detection.detector, detection.attempts),
    new ResultSanitizer(detection.detector, detection.attempts),
    quotas,
    decisions,
    {
      report: (input: SecurityEventInput) => void events.push(input),
    } as unknown as SecurityEventService,
    config,
  );
  return { service, upstream, audit, events, used, observed };
}

const readFile: Tool = {
  name: 'read_file',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  annotations: { readOnlyHint: true },
};
const newTool: Tool = { name: 'sidenote', inputSchema: { type: 'object' } };

describe('McpProxyService.callTool (collaborators in memory)', () => {
  it('sends the checked arguments upstream, returns the cleaned result and audits it as passed', async () => {
    const t = newTestService([{ tool: readFile, allowed: true }]);
    t.upstream.answer = async () => ({
      content: [{ type: 'text', text: `token ghp_${'A1b2C3d4E5'.repeat(4)} in the file` }],
    });
    const outcome = await t.service.callTool(ctx(), 'docs', 'read_file', { path: `${ROOT}/a.md` });
    expect(t.upstream.calls).toEqual([{ name: 'read_file', args: { path: `${ROOT}/a.md` } }]);
    expect(outcome).toMatchObject({ server: 'docs', tool: 'read_file', isError: false });
    expect(JSON.stringify(outcome.content)).not.toContain('ghp_A1b2');
    expect(outcome.flags.map((f) => f.category)).toContain('secret');
    // A server with roots: one file read counted.
    expect(t.used.get('file-reads')).toBe(1);
    expect(t.audit).toHaveLength(1);
    expect(t.audit[0].outcome).toMatchObject({ status: 200, decision: 'allowed' });
    expect(t.audit[0].details).toMatchObject({
      operation: 'tools/call',
      check: 'passed',
      result: 'allowed',
      toolOperation: 'read',
      arguments: { path: 'string(14)' },
    });
    expect(await t.observed()).toEqual([
      { operation: 'call_tool', security_check: 'passed', result: 'allowed' },
    ]);
  });

  it('refuses an unknown or withheld tool at the policy check, without asking the upstream', async () => {
    const t = newTestService([{ tool: newTool, allowed: false, deniedReason: 'pending-approval' }]);
    await expect(t.service.callTool(ctx(), 'docs', 'nope', {})).rejects.toMatchObject({
      reason: 'unknown-tool',
    });
    const withheld = t.service.callTool(ctx(), 'docs', 'sidenote', {});
    await expect(withheld).rejects.toBeInstanceOf(McpOperationForbiddenError);
    await expect(withheld).rejects.toMatchObject({ reason: 'pending-approval' });
    expect(t.upstream.calls).toEqual([]);
    expect(t.audit.map((a) => [a.outcome.decision, a.details.check, a.outcome.reason])).toEqual([
      ['denied', 'policy', 'mcp-operation-forbidden:unknown-tool'],
      ['denied', 'policy', 'mcp-operation-forbidden:pending-approval'],
    ]);
    expect(t.events.map((e) => e.violationType)).toEqual([
      'FORBIDDEN_OPERATION',
      'FORBIDDEN_OPERATION',
    ]);
  });

  it('answers 503, not unknown-tool, for a tool of a server that is not connected', async () => {
    const t = newTestService([]);
    t.upstream.status = 'error';
    await expect(t.service.callTool(ctx(), 'docs', 'read_file', {})).rejects.toBeInstanceOf(
      McpUpstreamUnavailableError,
    );
    expect(t.audit[0].details).toMatchObject({ check: 'policy', result: 'error' });
  });

  it('refuses a path outside the roots at the argument check, reported as traversal', async () => {
    const t = newTestService([{ tool: readFile, allowed: true }]);
    const call = t.service.callTool(ctx(), 'docs', 'read_file', {
      path: `${ROOT}/../../etc/passwd`,
    });
    await expect(call).rejects.toBeInstanceOf(McpArgumentsRejectedError);
    await expect(call).rejects.toMatchObject({ check: 'path' });
    expect(t.upstream.calls).toEqual([]);
    expect(t.used.size).toBe(0);
    expect(t.audit[0].details).toMatchObject({ check: 'arguments', result: 'denied' });
    expect(t.events).toEqual([expect.objectContaining({ violationType: 'PATH_TRAVERSAL' })]);
  });

  it('stops at the quota check once the window is spent, with no security event', async () => {
    const t = newTestService([{ tool: readFile, allowed: true }]);
    const args = { path: `${ROOT}/a.md` };
    await t.service.callTool(ctx(), 'docs', 'read_file', args);
    await t.service.callTool(ctx(), 'docs', 'read_file', args);
    await expect(t.service.callTool(ctx(), 'docs', 'read_file', args)).rejects.toBeInstanceOf(
      McpQuotaExceededError,
    );
    expect(t.upstream.calls).toHaveLength(2);
    expect(t.audit[2].details).toMatchObject({ check: 'quota', result: 'denied' });
    expect(t.events).toEqual([]);
  });

  it('names a timeout and an upstream failure at the upstream check', async () => {
    const t = newTestService([{ tool: readFile, allowed: true }]);
    const args = { path: `${ROOT}/a.md` };
    t.upstream.answer = () => Promise.reject(new UpstreamTimeoutError('late'));
    await expect(t.service.callTool(ctx(), 'docs', 'read_file', args)).rejects.toBeInstanceOf(
      McpUpstreamTimeoutError,
    );
    t.upstream.answer = () => Promise.reject(new Error('socket hang up'));
    await expect(t.service.callTool(ctx(), 'docs', 'read_file', args)).rejects.toBeInstanceOf(
      McpUpstreamUnavailableError,
    );
    expect(t.audit.map((a) => [a.details.check, a.details.result, a.outcome.reason])).toEqual([
      ['upstream', 'timeout', 'mcp-upstream-timeout'],
      ['upstream', 'error', 'upstream-error'],
    ]);
    expect(await t.observed()).toEqual([
      { operation: 'call_tool', security_check: 'upstream', result: 'timeout' },
      { operation: 'call_tool', security_check: 'upstream', result: 'error' },
    ]);
  });
});
