import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../api';
import { ProblemNote } from '../components/problem';
import { SEVERITIES, SeverityChart, type SeverityCounts } from '../components/severity-chart';
import type { Analysis, AuditEntry, AuditVerification, Items, Readiness } from '../types';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** The latest analyses read per final status to count the last hour's. */
const THROUGHPUT_SAMPLE = 100;

/** Readiness of each part (queue and providers included), security events, the audit chain. */
export function OverviewPage() {
  const readiness = useQuery({
    queryKey: ['readiness'],
    // 503 still carries the checks: read the body whatever the status.
    queryFn: async () =>
      (await fetch('/health/ready', { credentials: 'same-origin' })).json() as Promise<Readiness>,
    refetchInterval: 15000,
  });
  const since = useMemo(() => new Date(Date.now() - DAY_MS).toISOString(), []);
  const events = useQuery({
    queryKey: ['security-events', since],
    queryFn: () =>
      api<Items<AuditEntry>>('/api/v1/admin/audit', {
        query: { type: 'security', since, limit: 200 },
      }),
  });
  const verification = useQuery({
    queryKey: ['audit-verify'],
    queryFn: () => api<AuditVerification>('/api/v1/admin/audit/verify'),
  });
  const counts = useMemo(() => countBySeverity(events.data?.items ?? []), [events.data]);
  const completed = useLastHour('completed');
  const failed = useLastHour('failed');

  return (
    <section>
      <h1>Overview</h1>
      <h2>Readiness</h2>
      <ProblemNote error={readiness.error} />
      <p>
        Service: <strong data-testid="readiness">{readiness.data?.status ?? '…'}</strong>
      </p>
      <div className="cards">
        {Object.entries(readiness.data?.checks ?? {}).map(([name, check]) => (
          <article key={name} className={`card status-${check.status}`}>
            <h3>
              {name}: {check.status}
            </h3>
            <Details value={omit(check, 'status')} />
          </article>
        ))}
      </div>
      <h2>Analyses, last hour</h2>
      <ProblemNote error={completed.error ?? failed.error} />
      <p data-testid="throughput">
        {completed.count ?? '…'} completed, {failed.count ?? '…'} failed in the last hour
      </p>
      <h2>Security events, last 24 hours</h2>
      <ProblemNote error={events.error} />
      {Object.keys(counts).length === 0 ? (
        <p>None.</p>
      ) : (
        <div className="split">
          <SeverityChart counts={counts} />
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th>Event</th>
                  {SEVERITIES.map((s) => (
                    <th key={s}>{s}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {Object.entries(counts).map(([type, bySeverity]) => (
                  <tr key={type}>
                    <th scope="row">{type}</th>
                    {SEVERITIES.map((s) => (
                      <td key={s}>{bySeverity[s] ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {events.data?.nextCursor ? <p>Showing the latest 200 events.</p> : null}
      <h2>Audit chain</h2>
      <ProblemNote error={verification.error} />
      {verification.data ? (
        <p data-testid="chain">
          {verification.data.ok ? 'Intact' : `Broken at entry ${verification.data.firstBrokenSeq}`}{' '}
          — {verification.data.checked} entries checked at{' '}
          {new Date(verification.dataUpdatedAt).toLocaleTimeString()}
        </p>
      ) : null}
    </section>
  );
}

/**
 * How many analyses reached a final status in the last hour, counted from the latest ones of
 * that status ("N+" when all of the sample are that recent).
 */
function useLastHour(status: 'completed' | 'failed'): { count?: string; error: unknown } {
  const latest = useQuery({
    queryKey: ['analyses-last-hour', status],
    queryFn: () =>
      api<Items<Analysis>>('/api/v1/analyses', { query: { status, limit: THROUGHPUT_SAMPLE } }),
    refetchInterval: 30000,
  });
  if (!latest.data) return { error: latest.error };
  const since = Date.now() - HOUR_MS;
  const recent = latest.data.items.filter(
    (a) => a.completedAt && Date.parse(a.completedAt) >= since,
  ).length;
  const more = recent === THROUGHPUT_SAMPLE && latest.data.nextCursor ? '+' : '';
  return { count: `${recent}${more}`, error: latest.error };
}

function countBySeverity(entries: AuditEntry[]): SeverityCounts {
  const counts: SeverityCounts = {};
  for (const entry of entries) {
    const type = String(entry.details?.event_type ?? 'unknown');
    const severity = String(entry.details?.severity ?? 'LOW');
    counts[type] ??= {};
    counts[type][severity] = (counts[type][severity] ?? 0) + 1;
  }
  return counts;
}

function omit(value: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
}

/** A check's details as a definition list (nested values as compact JSON). */
function Details({ value }: { value: Record<string, unknown> }) {
  const entries = Object.entries(value);
  if (entries.length === 0) return null;
  return (
    <dl className="facts">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            {Array.isArray(v) ? (
              <ul>
                {v.map((item, i) => (
                  <li key={i}>{summarise(item)}</li>
                ))}
              </ul>
            ) : (
              summarise(v)
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A detail in words: `name sim-a, circuit closed`; nested values in parentheses. */
function summarise(value: unknown): string {
  if (Array.isArray(value)) return value.map(summarise).join('; ');
  if (value && typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) =>
        v && typeof v === 'object' ? `${k} (${summarise(v)})` : `${k} ${String(v)}`,
      )
      .join(', ');
  return String(value);
}
