import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiText, withQuery } from '../api';
import { ProblemNote } from '../components/problem';

const REPORT = '/api/v1/admin/security-report';
const DAY_MS = 24 * 60 * 60 * 1000;

interface Period {
  since: string;
  until: string;
}

/** A value for <input type="datetime-local"> in the reader's time zone. */
function localInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

/** The security report (Markdown, as `npm run security:report` prints it) for a chosen period. */
export function SecurityReportPage() {
  const [period, setPeriod] = useState<Period>(() => {
    const now = new Date();
    return { since: new Date(now.getTime() - DAY_MS).toISOString(), until: now.toISOString() };
  });
  const report = useQuery({
    queryKey: ['security-report', period],
    queryFn: () => apiText(REPORT, { ...period }),
  });

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const iso = (name: string) => new Date(String(form.get(name))).toISOString();
    setPeriod({ since: iso('since'), until: iso('until') });
  }

  return (
    <section>
      <h1>Security report</h1>
      <form onSubmit={apply} className="inline" aria-label="Report period">
        <label>
          Since
          <input
            type="datetime-local"
            name="since"
            required
            defaultValue={localInput(new Date(period.since))}
          />
        </label>
        <label>
          Until
          <input
            type="datetime-local"
            name="until"
            required
            defaultValue={localInput(new Date(period.until))}
          />
        </label>
        <button type="submit">Build report</button>
        <a className="button" href={withQuery(REPORT, { ...period })} download="security-report.md">
          Download Markdown
        </a>
      </form>
      <ProblemNote error={report.error} />
      {report.data ? <pre data-testid="report">{report.data}</pre> : null}
    </section>
  );
}
