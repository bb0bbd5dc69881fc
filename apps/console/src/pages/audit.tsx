import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, withQuery } from '../api';
import { DataTable } from '../components/data-table';
import { ProblemNote } from '../components/problem';
import { Time } from '../components/time';
import type { AuditEntry, AuditVerification, Items } from '../types';

const TYPES = ['', 'auth', 'admin', 'analysis', 'mcp', 'security', 'http'];

interface Filter {
  since?: string;
  until?: string;
  type?: string;
  actorId?: string;
}

/** The audit trail: filter, open an entry, verify the chain, export NDJSON. */
export function AuditPage() {
  const [filter, setFilter] = useState<Filter>({});
  const [open, setOpen] = useState<AuditEntry | null>(null);
  const entries = useQuery({
    queryKey: ['audit', filter],
    queryFn: () =>
      api<Items<AuditEntry>>('/api/v1/admin/audit', { query: { ...filter, limit: 100 } }),
  });
  const verify = useQuery({
    queryKey: ['audit-verify'],
    queryFn: () => api<AuditVerification>('/api/v1/admin/audit/verify'),
    enabled: false,
  });

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '') || undefined;
    const iso = (name: string) => {
      const v = value(name);
      return v ? new Date(v).toISOString() : undefined;
    };
    setFilter({
      since: iso('since'),
      until: iso('until'),
      type: value('type'),
      actorId: value('actorId'),
    });
  }

  return (
    <section>
      <h1>Audit</h1>
      <form onSubmit={apply} className="inline" aria-label="Filter the audit trail">
        <label>
          Since
          <input type="datetime-local" name="since" />
        </label>
        <label>
          Until
          <input type="datetime-local" name="until" />
        </label>
        <label>
          Type
          <select name="type" defaultValue="">
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor id
          <input name="actorId" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <p className="inline">
        <button type="button" onClick={() => void verify.refetch()}>
          Verify the chain
        </button>
        {verify.data ? (
          <span data-testid="verification" className={verify.data.ok ? 'ok' : 'bad'}>
            {verify.data.ok
              ? `Intact: ${verify.data.checked} entries checked`
              : `Broken at entry ${verify.data.firstBrokenSeq}`}
          </span>
        ) : null}
        <a
          className="button"
          href={withQuery('/api/v1/admin/audit/export', {
            since: filter.since,
            until: filter.until,
          })}
          download="audit.ndjson"
        >
          Export NDJSON
        </a>
      </p>
      <ProblemNote error={entries.error ?? verify.error} />
      <DataTable columns={['Time', 'Type', 'Actor', 'Request', 'Outcome']}>
        {(entries.data?.items ?? []).map((e) => (
          <tr key={e.id}>
            <td>
              <button type="button" className="link" onClick={() => setOpen(e)}>
                <Time value={e.timestamp} />
              </button>
            </td>
            <td>{e.type}</td>
            <td>{e.actor.username ?? e.actor.id ?? '—'}</td>
            <td>
              {e.request.method} {e.request.path}
            </td>
            <td>
              {e.outcome.decision} {e.outcome.status ?? ''} {e.outcome.reason ?? ''}
            </td>
          </tr>
        ))}
      </DataTable>
      {open ? (
        <div role="dialog" aria-label="Audit entry" className="entry">
          <button type="button" onClick={() => setOpen(null)} autoFocus>
            Close
          </button>
          <pre>{JSON.stringify(open, null, 2)}</pre>
        </div>
      ) : null}
    </section>
  );
}
