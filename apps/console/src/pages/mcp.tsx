import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { DataTable } from '../components/data-table';
import { DefinitionDiff } from '../components/definition-diff';
import { useChange } from '../components/mutation';
import { ProblemNote } from '../components/problem';
import { hasRole, useSession } from '../session';
import type { Items, McpServer, McpTool } from '../types';

/** Denials an admin lifts by approving the definition as it is now. */
const AWAITING_APPROVAL = new Set(['pending-approval', 'definition-changed']);

/** MCP servers and their health; every tool with the policy's decision; approvals (admin). */
export function McpPage() {
  const servers = useQuery({
    queryKey: ['mcp-servers'],
    queryFn: () => api<Items<McpServer>>('/api/v1/mcp/servers'),
  });
  return (
    <section>
      <h1>MCP</h1>
      <ProblemNote error={servers.error} />
      <DataTable columns={['Server', 'Transport', 'Status', 'Tools', 'Allowed']}>
        {(servers.data?.items ?? []).map((s) => (
          <tr key={s.name}>
            <td>{s.name}</td>
            <td>{s.transport}</td>
            <td>
              <span className={`status ${s.status}`}>{s.status}</span>
            </td>
            <td>{s.toolCount}</td>
            <td>{s.allowedToolCount}</td>
          </tr>
        ))}
      </DataTable>
      {(servers.data?.items ?? []).map((s) => (
        <ServerTools key={s.name} server={s.name} />
      ))}
    </section>
  );
}

function ServerTools({ server }: { server: string }) {
  const session = useSession();
  const admin = hasRole(session, 'admin');
  const tools = useQuery({
    queryKey: ['mcp-tools', server, admin],
    queryFn: () =>
      api<Items<McpTool>>(`/api/v1/mcp/servers/${encodeURIComponent(server)}/tools`, {
        query: { all: admin ? true : undefined },
      }),
  });
  const approve = useChange(
    (tool: McpTool) =>
      api(
        `/api/v1/admin/mcp/servers/${encodeURIComponent(server)}/tools/${encodeURIComponent(tool.name)}/approve`,
        { method: 'POST', body: { hash: tool.hash } },
      ),
    [['mcp-tools', server], ['mcp-servers']],
  );
  const items = tools.data?.items ?? [];
  const waiting = items.filter((t) => t.deniedReason && AWAITING_APPROVAL.has(t.deniedReason));

  return (
    <section aria-labelledby={`tools-${server}`}>
      <h2 id={`tools-${server}`}>Tools of {server}</h2>
      <ProblemNote error={tools.error ?? approve.error} />
      {admin && waiting.length > 0 ? (
        <div className="waiting" data-testid={`awaiting-${server}`}>
          <h3>Waiting for approval</h3>
          {waiting.map((t) => (
            <article key={t.name} className="card">
              <h4>
                {t.name} <small>({t.deniedReason})</small>
              </h4>
              <p>{t.description}</p>
              {t.pinnedDefinition && t.definition ? (
                <DefinitionDiff pinned={t.pinnedDefinition} current={t.definition} />
              ) : null}
              <details>
                <summary>Definition as the server declares it now</summary>
                <pre>
                  {JSON.stringify(
                    { inputSchema: t.inputSchema, annotations: t.annotations },
                    null,
                    2,
                  )}
                </pre>
              </details>
              <p>
                Hash <code>{t.hash}</code>
              </p>
              <button type="button" onClick={() => approve.mutate(t)} disabled={approve.isPending}>
                Approve {t.name}
              </button>
            </article>
          ))}
        </div>
      ) : null}
      <DataTable columns={['Tool', 'Operation', 'Decision', 'Why']}>
        {items.map((t) => (
          <tr key={t.name} data-tool={t.name}>
            <td title={t.description}>{t.name}</td>
            <td>{t.operation ?? '—'}</td>
            <td>{t.deniedReason ? 'denied' : 'allowed'}</td>
            <td>{t.deniedReason ?? ''}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
