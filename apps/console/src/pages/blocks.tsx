import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { api } from '../api';
import { ACTIONS, DataTable } from '../components/data-table';
import { useChange } from '../components/mutation';
import { ProblemNote } from '../components/problem';
import { Time } from '../components/time';
import type { Block, Items } from '../types';

interface NewBlock {
  kind: string;
  value: string;
  reason: string;
  ttlSeconds: number;
}

/** Blocks of an address, a user or a session: add with a reason and a time to live, lift. */
export function BlocksPage() {
  const blocks = useQuery({
    queryKey: ['blocks'],
    queryFn: () => api<Items<Block>>('/api/v1/admin/blocks'),
  });
  const add = useChange(
    (body: NewBlock) => api('/api/v1/admin/blocks', { method: 'POST', body }),
    [['blocks']],
  );
  const lift = useChange(
    (id: string) => api(`/api/v1/admin/blocks/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    [['blocks']],
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    add.mutate(
      {
        kind: String(form.get('kind')),
        value: String(form.get('value')),
        reason: String(form.get('reason')),
        ttlSeconds: Number(form.get('ttlSeconds')),
      },
      { onSuccess: () => target.reset() },
    );
  }

  return (
    <section>
      <h1>Blocks</h1>
      <form onSubmit={submit} className="inline" aria-label="Add a block">
        <label>
          Kind
          <select name="kind" defaultValue="ip">
            <option value="ip">address</option>
            <option value="user">user (id)</option>
            <option value="session">session (id)</option>
          </select>
        </label>
        <label>
          Value
          <input name="value" required />
        </label>
        <label>
          Reason
          <input name="reason" required />
        </label>
        <label>
          Time to live (s)
          <input name="ttlSeconds" type="number" min={1} defaultValue={3600} required />
        </label>
        <button type="submit" disabled={add.isPending}>
          Add block
        </button>
      </form>
      <ProblemNote error={blocks.error ?? add.error ?? lift.error} />
      <DataTable columns={['Kind', 'Value', 'Reason', 'Since', 'Until', ACTIONS]}>
        {(blocks.data?.items ?? []).map((b) => (
          <tr key={b.id} data-block={b.value}>
            <td>{b.kind}</td>
            <td>{b.value}</td>
            <td>{b.reason}</td>
            <td>
              <Time value={b.createdAt} />
            </td>
            <td>
              <Time value={b.expiresAt} />
            </td>
            <td className="actions">
              <button type="button" onClick={() => lift.mutate(b.id)}>
                Lift
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      {blocks.isSuccess && blocks.data.items.length === 0 ? <p>No block in force.</p> : null}
    </section>
  );
}
