import { ProblemError } from '../api';

/** An error as the API described it: title, detail and the request id to look up in the audit. */
export function ProblemNote({ error }: { error: unknown }) {
  if (!error) return null;
  const problem =
    error instanceof ProblemError ? error.problem : { title: 'Error', detail: String(error) };
  return (
    <p role="alert" className="problem">
      <strong>{problem.title ?? `HTTP ${problem.status}`}</strong>
      {problem.detail ? `: ${problem.detail}` : ''}
      {problem.requestId ? <small> (request {problem.requestId})</small> : null}
    </p>
  );
}
