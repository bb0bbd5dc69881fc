import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ACTIONS, DataTable } from '../components/data-table';
import { useChange } from '../components/mutation';
import { ProblemNote } from '../components/problem';
import { Time } from '../components/time';
import type { Items, UserSession } from '../types';

/** Every live session: filter by user or address, end one, or all of a user's. */
export function SessionsPage() {
  const [user, setUser] = useState('');
  const [address, setAddress] = useState('');
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: () => api<Items<UserSession>>('/api/v1/admin/sessions'),
  });
  const end = useChange(
    (id: string) => api(`/api/v1/admin/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    [['sessions']],
  );
  const endAll = useChange(
    (userId: string) =>
      api(`/api/v1/admin/users/${encodeURIComponent(userId)}/sessions`, { method: 'DELETE' }),
    [['sessions']],
  );
  const shown = (sessions.data?.items ?? []).filter(
    (s) =>
      (!user || s.username.includes(user) || s.userId === user) &&
      (!address || s.ip.includes(address)),
  );

  return (
    <section>
      <h1>Sessions</h1>
      <div className="filters">
        <label>
          User
          <input value={user} onChange={(e) => setUser(e.target.value)} name="user" />
        </label>
        <label>
          Address
          <input value={address} onChange={(e) => setAddress(e.target.value)} name="address" />
        </label>
      </div>
      <ProblemNote error={sessions.error ?? end.error ?? endAll.error} />
      <DataTable
        columns={['User', 'Roles', 'Address', 'Agent', 'Started', 'Last seen', 'Session', ACTIONS]}
      >
        {shown.map((s) => (
          <tr key={s.id} data-session={s.id}>
            <td>{s.username}</td>
            <td>{s.roles.join(', ')}</td>
            <td>{s.ip}</td>
            <td>{s.userAgent}</td>
            <td>
              <Time value={s.createdAt} />
            </td>
            <td>
              <Time value={s.lastSeenAt} />
            </td>
            <td>
              <code>{s.id.slice(0, 8)}</code>
            </td>
            <td className="actions">
              <button type="button" onClick={() => end.mutate(s.id)}>
                End session
              </button>
              <button type="button" onClick={() => endAll.mutate(s.userId)}>
                End all of {s.username}
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      {sessions.isSuccess && shown.length === 0 ? <p>No session matches.</p> : null}
    </section>
  );
}
