import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { api } from '../api';
import { ACTIONS, DataTable } from '../components/data-table';
import { useChange } from '../components/mutation';
import { ProblemNote } from '../components/problem';
import { Time } from '../components/time';
import type { Items, Role, User } from '../types';

export const ROLES: Role[] = ['admin', 'analyst', 'ci', 'viewer'];

/** Users: create, disable (which ends their sessions) or enable. */
export function UsersPage() {
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => api<Items<User>>('/api/v1/admin/users'),
  });
  const create = useChange(
    (body: { username: string; password: string; roles: Role[] }) =>
      api('/api/v1/admin/users', { method: 'POST', body }),
    [['users']],
  );
  const setDisabled = useChange(
    ({ id, disabled }: { id: string; disabled: boolean }) =>
      api(`/api/v1/admin/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: { disabled } }),
    [['users'], ['sessions']],
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    create.mutate(
      {
        username: String(form.get('username')),
        password: String(form.get('password')),
        roles: [String(form.get('role')) as Role],
      },
      { onSuccess: () => target.reset() },
    );
  }

  return (
    <section>
      <h1>Users</h1>
      <form onSubmit={submit} className="inline" aria-label="Create a user">
        <label>
          User name
          <input name="username" required autoComplete="off" />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            minLength={12}
            required
            autoComplete="new-password"
          />
        </label>
        <label>
          Role
          <select name="role" defaultValue="analyst">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={create.isPending}>
          Create user
        </button>
      </form>
      <ProblemNote error={users.error ?? create.error ?? setDisabled.error} />
      <DataTable columns={['User', 'Roles', 'State', 'Created', 'Last login', ACTIONS]}>
        {(users.data?.items ?? []).map((u) => (
          <tr key={u.id} data-user={u.username}>
            <td>{u.username}</td>
            <td>{u.roles.join(', ')}</td>
            <td>{u.disabled ? 'disabled' : 'active'}</td>
            <td>
              <Time value={u.createdAt} />
            </td>
            <td>
              <Time value={u.lastLoginAt} />
            </td>
            <td className="actions">
              <button
                type="button"
                onClick={() => setDisabled.mutate({ id: u.id, disabled: !u.disabled })}
              >
                {u.disabled ? 'Enable' : 'Disable'} {u.username}
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
