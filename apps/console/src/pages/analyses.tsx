import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { DataTable } from '../components/data-table';
import { useChange } from '../components/mutation';
import { ProblemNote } from '../components/problem';
import { Time } from '../components/time';
import { navigate } from '../router';
import { hasRole, useSession } from '../session';
import type { Analysis, Items } from '../types';

const STATUSES = ['', 'queued', 'running', 'completed', 'failed', 'cancelled'];

/** Submit an analysis (content or a file, mode, peers) and list them; one opens live. */
export function AnalysesPage() {
  const session = useSession();
  const [status, setStatus] = useState('');
  const analyses = useQuery({
    queryKey: ['analyses', status],
    queryFn: () =>
      api<Items<Analysis>>('/api/v1/analyses', { query: { status: status || undefined } }),
  });
  const canSubmit = hasRole(session, 'admin', 'analyst', 'ci');

  return (
    <section>
      <h1>Analyses</h1>
      {canSubmit ? <SubmitForm /> : null}
      <div className="filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)} name="status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ProblemNote error={analyses.error} />
      <DataTable columns={['Analysis', 'Status', 'Mode', 'Created', 'Confidence']}>
        {(analyses.data?.items ?? []).map((a) => (
          <tr key={a.id}>
            <td>
              <a href={`#/analyses/${a.id}`}>{a.id.slice(0, 8)}</a>
            </td>
            <td>{a.status}</td>
            <td>{a.mode}</td>
            <td>
              <Time value={a.createdAt} />
            </td>
            <td>{a.result ? a.result.confidence.toFixed(2) : '—'}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

interface NewAnalysis {
  content: string;
  mode: string;
  providers?: string[];
}

function SubmitForm() {
  const [content, setContent] = useState('');
  const submit = useChange(
    (body: NewAnalysis) => api<Analysis>('/api/v1/analyses', { method: 'POST', body }),
    [['analyses']],
  );

  function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const providers = String(form.get('providers') ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    submit.mutate(
      {
        content,
        mode: String(form.get('mode')),
        ...(providers.length > 0 ? { providers } : {}),
      },
      { onSuccess: (analysis) => navigate(`analyses/${(analysis as Analysis).id}`) },
    );
  }

  async function readFile(files: FileList | null) {
    const file = files?.[0];
    if (file) setContent(await file.text());
  }

  return (
    <form onSubmit={send} aria-label="Submit an analysis" className="stack">
      <label>
        Content
        <textarea
          name="content"
          rows={6}
          value={content}
          onChange={(e) => setContent(e.target.value)}
          required
        />
      </label>
      <div className="inline">
        <label>
          Or a file
          <input type="file" name="file" onChange={(e) => void readFile(e.target.files)} />
        </label>
        <label>
          Mode
          <select name="mode" defaultValue="parallel">
            <option>parallel</option>
            <option>sequential</option>
            <option>council</option>
          </select>
        </label>
        <label>
          Peers (comma-separated, optional)
          <input name="providers" />
        </label>
        <button type="submit" disabled={submit.isPending}>
          Submit analysis
        </button>
      </div>
      <ProblemNote error={submit.error} />
    </form>
  );
}
