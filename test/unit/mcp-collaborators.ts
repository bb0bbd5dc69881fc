import type { AuditDraft, AuditWriter } from '@techsapo/audit';
import { Histogram, Registry } from 'prom-client';
import type { UpstreamServer } from '../../libs/mcp-proxy/src/config/mcp-file';
import type { McpConfig } from '../../libs/mcp-proxy/src/config/mcp.config';
import { McpQuotaExceededError } from '../../libs/mcp-proxy/src/errors/mcp.errors';
import type { CallContext } from '../../libs/mcp-proxy/src/proxy/call-context';
import { McpDecisions } from '../../libs/mcp-proxy/src/proxy/mcp-decisions';
import type { McpQuotas, QuotaKind } from '../../libs/mcp-proxy/src/session/mcp-quotas';

/** The proxy's settings in the MCP services' specs: refuse credentials, two of each quota. */
const MCP_TEST_CONFIG = {
  argumentSecrets: 'refuse',
  callTimeoutMs: 1000,
  resultMaxBytes: 10_000,
  quotas: { fileReads: 2, networkCalls: 2, analyses: 1, windowSeconds: 3600 },
} as McpConfig;

/** The folder the `docs` upstream may read. */
export const DOCS_ROOT = '/srv/docs';

/** The upstream the MCP services' specs talk to: `docs`, over stdio, rooted in DOCS_ROOT. */
const docsServer = (): UpstreamServer => ({
  name: 'docs',
  transport: 'stdio',
  command: 'x',
  args: [],
  env: {},
  roots: [DOCS_ROOT],
  network: false,
});

/** An analyst's MCP request. */
export const mcpCallContext = (): CallContext => ({
  principal: { id: 'u-1', username: 'ana', roles: ['analyst'], method: 'jwt' },
  requestId: 'req-1',
  method: 'POST',
  path: '/mcp',
  via: 'mcp',
});

/** Quotas of two per kind, counted in a map (the third use is refused as McpQuotas does). */
function countedQuotas(): { quotas: McpQuotas; used: Map<QuotaKind, number> } {
  const used = new Map<QuotaKind, number>();
  const quotas = {
    consume: async (_principal: string, kind: QuotaKind) => {
      const count = (used.get(kind) ?? 0) + 1;
      used.set(kind, count);
      if (count > 2) throw new McpQuotaExceededError(kind, 2, 3600, 60);
      return count;
    },
  } as unknown as McpQuotas;
  return { quotas, used };
}

/**
 * The real McpDecisions over an audit trail kept as an array and the duration histogram in a
 * registry of its own; `observed` lists the label sets timed so far.
 */
function recordedDecisions(): {
  decisions: McpDecisions;
  audit: AuditDraft[];
  observed: () => Promise<Record<string, string | number>[]>;
} {
  const audit: AuditDraft[] = [];
  const registry = new Registry();
  const duration = new Histogram({
    name: 'mcp_operation_duration_seconds',
    help: 'test',
    labelNames: ['operation', 'security_check', 'result'],
    registers: [registry],
  });
  const decisions = new McpDecisions(
    { record: (draft: AuditDraft) => void audit.push(draft) } as unknown as AuditWriter,
    duration,
  );
  const observed = async () =>
    (await duration.get()).values
      .filter((v) => v.metricName === 'mcp_operation_duration_seconds_count')
      .map((v) => v.labels);
  return { decisions, audit, observed };
}

/**
 * What the MCP services are built with, in memory: the settings, the `docs` upstream's
 * server entry, quotas counted in `used`, decisions audited into `audit` and timed.
 */
export function mcpCollaborators() {
  return {
    config: MCP_TEST_CONFIG,
    server: docsServer(),
    ...countedQuotas(),
    ...recordedDecisions(),
  };
}
