import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ACTIONS, DataTable } from '../components/data-table';
import { useChange } from '../components/mutation';
import { ProblemNote } from '../components/problem';
import { Time } from '../components/time';
import type { ApiKey, Items, Role } from '../types';
import { ROLES } from './users';

/** API keys: create (the key is shown once, here), revoke. */
export function ApiKeysPage() {
  const [created, setCreated] = useState<ApiKey | null>(null);
  const keys = useQuery({
    queryKey: ['api-keys'],
    queryFn: () => api<Items<ApiKey>>('/api/v1/admin/api-keys'),
  });
  const create = useChange(
    async (body: { name: string; role: Role; expiresInDays?: number }) =>
      setCreated(await api<ApiKey>('/api/v1/admin/api-keys', { method: 'POST', body })),
    [['api-keys']],
  );
  const revoke = useChange(
    (id: string) => api(`/api/v1/admin/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    [['api-keys']],
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const days = Number(form.get('expiresInDays'));
    create.mutate({
      name: String(form.get('name')),
      role: String(form.get('role')) as Role,
      ...(days > 0 ? { expiresInDays: days } : {}),
    });
  }

  return (
    <section>
      <h1>API keys</h1>
      <form onSubmit={submit} className="inline" aria-label="Create an API key">
        <label>
          Name
          <input name="name" required />
        </label>
        <label>
          Role
          <select name="role" defaultValue="ci">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Expires in (days)
          <input name="expiresInDays" type="number" min={1} />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {created?.key ? (
        <div role="status" className="once">
          <p>
            The key of <strong>{created.name}</strong>, shown this once: copy it now.
          </p>
          <code data-testid="new-key">{created.key}</code>
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      ) : null}
      <ProblemNote error={keys.error ?? create.error ?? revoke.error} />
      <DataTable columns={['Name', 'Role', 'Created', 'Expires', 'Last used', ACTIONS]}>
        {(keys.data?.items ?? []).map((k) => (
          <tr key={k.id}>
            <td>{k.name}</td>
            <td>{k.role}</td>
            <td>
              <Time value={k.createdAt} />
            </td>
            <td>
              <Time value={k.expiresAt} />
            </td>
            <td>
              <Time value={k.lastUsedAt} />
            </td>
            <td className="actions">
              <button type="button" onClick={() => revoke.mutate(k.id)}>
                Revoke {k.name}
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
