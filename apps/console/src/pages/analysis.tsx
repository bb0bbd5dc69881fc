import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { DataTable } from '../components/data-table';
import { ANALYSIS_EVENT_TYPES } from '../event-types';
import { ProblemNote } from '../components/problem';
import type { Analysis, AnalysisEvent, AnalysisResult, CouncilReport } from '../types';

const FINAL = new Set<string>(['completed', 'failed']);

/**
 * One analysis, live from its event stream (the stored events first, then new ones): each
 * provider's answer as it arrives, then the measured result once it is complete.
 */
export function AnalysisPage({ id }: { id: string }) {
  const events = useAnalysisEvents(id);
  const done = events.some((e) => FINAL.has(e.type));
  const analysis = useQuery({
    queryKey: ['analysis', id, done],
    queryFn: () => api<Analysis>(`/api/v1/analyses/${encodeURIComponent(id)}`),
  });
  const answers = events.filter((e) => e.type === 'answer');
  const failures = events.filter((e) => e.type === 'provider_failed');
  const reviews = events.filter((e) => e.type === 'review_completed');
  const aggregate = lastAnswer(events);

  return (
    <section>
      <h1>
        Analysis <code>{id.slice(0, 8)}</code>
      </h1>
      <ProblemNote error={analysis.error} />
      <p>
        Status: <strong data-testid="analysis-status">{analysis.data?.status ?? '…'}</strong>
        {analysis.data ? ` · mode ${analysis.data.mode}` : ''}
      </p>
      <h2>Progress</h2>
      <ol className="events" aria-live="polite" data-testid="events">
        {events.map((e) => (
          <li key={e.seq}>
            <code>{e.type}</code> {describe(e)}
          </li>
        ))}
      </ol>
      <h2>Providers’ answers</h2>
      <div className="cards">
        {answers.map((e) => (
          <article key={e.seq} className="card" data-testid="provider-answer">
            <h3>
              {String(e.data.provider)} <small>({String(e.data.role)})</small>
            </h3>
            {e.data.verdict ? <p>Verdict: {String(e.data.verdict)}</p> : null}
            <pre>{String(e.data.text ?? '')}</pre>
          </article>
        ))}
        {failures.map((e) => (
          <article key={e.seq} className="card failed">
            <h3>{String(e.data.provider)}</h3>
            <p>
              {String(e.data.status)}: {String(e.data.reason ?? '')}
            </p>
          </article>
        ))}
      </div>
      {reviews.length > 0 ? (
        <>
          <h2>Reviews</h2>
          <ul>
            {reviews.map((e) => (
              <li key={e.seq}>
                {String(e.data.provider)} reviewed (parsed by {String(e.data.parsedBy)})
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {aggregate && !analysis.data?.result ? (
        <>
          <h2>Answer (being written)</h2>
          <pre>{aggregate}</pre>
        </>
      ) : null}
      {analysis.data?.result ? <Result result={analysis.data.result} /> : null}
      {analysis.data?.error ? <ProblemNote error={analysis.data.error.detail} /> : null}
    </section>
  );
}

function Result({ result }: { result: AnalysisResult }) {
  return (
    <div data-testid="analysis-result">
      <h2>Result</h2>
      <dl className="facts">
        <dt>Consensus (measured)</dt>
        <dd>
          {result.consensus.score.toFixed(2)} ({result.consensus.level}, {result.consensus.method})
        </dd>
        <dt>Confidence (measured)</dt>
        <dd data-testid="confidence">{result.confidence.toFixed(2)}</dd>
        {result.verdict ? (
          <>
            <dt>Verdict</dt>
            <dd>{result.verdict}</dd>
          </>
        ) : null}
        <dt>Usage</dt>
        <dd>
          {result.usage.inputTokens} in / {result.usage.outputTokens} out tokens, $
          {result.usage.costUsd.toFixed(4)}
        </dd>
        {result.degraded ? (
          <>
            <dt>Degraded</dt>
            <dd>{result.degradedReasons.join('; ')}</dd>
          </>
        ) : null}
      </dl>
      {result.confidenceSignals?.length ? (
        <>
          <h3>Confidence signals (measured)</h3>
          <DataTable columns={['Signal', 'Value', 'Weight', 'Detail']}>
            {result.confidenceSignals.map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.name}</th>
                <td>{s.value === null ? 'not measurable' : s.value.toFixed(2)}</td>
                <td>{s.weight}</td>
                <td>{s.detail ?? ''}</td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
      {result.dissent.length > 0 ? (
        <>
          <h3>Dissent</h3>
          <ul>
            {result.dissent.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        </>
      ) : null}
      {result.council ? <Council council={result.council} /> : null}
      <h3>Providers</h3>
      <DataTable columns={['Provider', 'Model', 'Status', 'Latency (ms)', 'Cost ($)']}>
        {result.providers.map((p) => (
          <tr key={`${p.name}-${p.model}`}>
            <td>{p.name}</td>
            <td>{p.model}</td>
            <td>{p.status}</td>
            <td>{p.latencyMs ?? '—'}</td>
            <td>{p.usage ? p.usage.costUsd.toFixed(4) : '—'}</td>
          </tr>
        ))}
      </DataTable>
      <h3>Answer</h3>
      <pre>{result.answer}</pre>
    </div>
  );
}

/** Council mode: each reviewer's ranking and critique, the mean ranks and their agreement. */
function Council({ council }: { council: CouncilReport }) {
  const { kendallW, reviewers, answers } = council.rankingAgreement;
  return (
    <div data-testid="council">
      <h3>Council</h3>
      <p>
        Ranking agreement (Kendall’s W, measured):{' '}
        {kendallW === null ? 'not measurable' : kendallW.toFixed(2)} over {reviewers} reviewers and{' '}
        {answers} answers
      </p>
      <DataTable columns={['Answer', 'Mean rank']}>
        {council.aggregateRanking.map((r) => (
          <tr key={r.provider}>
            <td>{r.provider}</td>
            <td>{r.meanRank.toFixed(2)}</td>
          </tr>
        ))}
      </DataTable>
      {council.reviews.map((review) => (
        <article key={review.reviewer} className="card">
          <h4>
            {review.reviewer} ranks: {review.ranking.join(' > ') || '—'}{' '}
            <small>(parsed by {review.parsedBy})</small>
          </h4>
          {review.critique ? <p>{review.critique}</p> : null}
        </article>
      ))}
    </div>
  );
}

/** The events of an analysis through EventSource: the cookie goes with it (same origin). */
function useAnalysisEvents(id: string): AnalysisEvent[] {
  const [events, setEvents] = useState<AnalysisEvent[]>([]);
  const client = useQueryClient();
  useEffect(() => {
    setEvents([]);
    const source = new EventSource(`/api/v1/analyses/${encodeURIComponent(id)}/events`);
    const receive = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as AnalysisEvent;
      setEvents((seen) => (seen.some((e) => e.seq === event.seq) ? seen : [...seen, event]));
      if (FINAL.has(event.type)) {
        source.close();
        void client.invalidateQueries({ queryKey: ['analyses'] });
      }
    };
    for (const type of ANALYSIS_EVENT_TYPES) source.addEventListener(type, receive);
    // The stream ends after the last event; a closed stream is not an error to retry.
    source.onerror = () => source.close();
    return () => source.close();
  }, [id, client]);
  return events;
}

function describe(event: AnalysisEvent): string {
  const { provider, role, latencyMs, status } = event.data;
  const parts = [provider, role, status, latencyMs !== undefined ? `${latencyMs} ms` : undefined];
  return parts.filter((p) => p !== undefined).join(' · ');
}

/** The aggregator's answer so far: its deltas since the last `aggregating`. */
function lastAnswer(events: AnalysisEvent[]): string {
  let text = '';
  for (const e of events) {
    if (e.type === 'aggregating') text = '';
    if (e.type === 'answer_delta') text += String(e.data.text ?? '');
  }
  return text;
}
