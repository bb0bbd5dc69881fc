import type { ApiKeysStore, KeyLookup, StoredApiKey } from '@techsapo/security';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

/** The store, and when a key's lookup expires (epoch ms; null: never; undefined: no lookup). */
export interface ApiKeysSubject {
  store: Fake<ApiKeysStore>;
  lookupExpiresAt(hash: string): Promise<number | null | undefined>;
}

const IN_A_DAY = Date.now() + 86_400_000;

function apiKey(id: string, expiresAt: number | null): [StoredApiKey, KeyLookup] {
  const stored: StoredApiKey = {
    id,
    name: `key ${id}`,
    role: 'ci',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    createdBy: 'admin-1',
    hash: `hash-${id}`,
  };
  return [stored, { id, name: stored.name, role: 'ci', expiresAt }];
}

export function apiKeysContract(make: MakeStore<ApiKeysSubject>): void {
  describe('ApiKeysStore', () => {
    it('stores a record and a lookup by hash that expires with the key, if it does', async () => {
      const { store, lookupExpiresAt } = await make();
      const [lasting, lastingLookup] = apiKey('k1', null);
      const [expiring, expiringLookup] = apiKey('k2', IN_A_DAY);
      await store.insert(lasting, lastingLookup);
      await store.insert(expiring, expiringLookup);
      await expect(store.get('k2')).resolves.toEqual(expiring);
      await expect(store.lookup('hash-k2')).resolves.toEqual(expiringLookup);
      await expect(lookupExpiresAt('hash-k1')).resolves.toBeNull();
      await expect(lookupExpiresAt('hash-k2')).resolves.toBe(IN_A_DAY);
      const all = (await store.all()).sort((a, b) => a.id.localeCompare(b.id));
      expect(all).toEqual([lasting, expiring]);
      await expect(store.get('k3')).resolves.toBeUndefined();
      await expect(store.lookup('hash-k3')).resolves.toBeUndefined();
    });

    it('suspends and restores the record and the lookup, keeping the lookup expiry', async () => {
      const { store, lookupExpiresAt } = await make();
      const [stored, lookup] = apiKey('k1', IN_A_DAY);
      await store.insert(stored, lookup);
      await store.setSuspended(stored, true);
      await expect(store.get('k1')).resolves.toEqual({ ...stored, suspended: true });
      await expect(store.lookup('hash-k1')).resolves.toEqual({ ...lookup, suspended: true });
      await expect(lookupExpiresAt('hash-k1')).resolves.toBe(IN_A_DAY);
      await store.setSuspended(stored, false);
      await expect(store.lookup('hash-k1')).resolves.toEqual({ ...lookup, suspended: false });
    });

    it('does not bring back a removed key by suspending it, after or during the removal', async () => {
      const { store } = await make();
      const [first, firstLookup] = apiKey('k1', IN_A_DAY);
      const [second, secondLookup] = apiKey('k2', IN_A_DAY);
      await store.insert(first, firstLookup);
      await store.insert(second, secondLookup);
      await store.remove(first);
      await store.setSuspended(first, true);
      await Promise.all([store.setSuspended(second, true), store.remove(second)]);
      for (const [id, hash] of [
        ['k1', 'hash-k1'],
        ['k2', 'hash-k2'],
      ]) {
        await expect(store.get(id)).resolves.toBeUndefined();
        await expect(store.lookup(hash)).resolves.toBeUndefined();
      }
    });

    it('keeps the latest use of each key, and forgets everything of a removed key', async () => {
      const { store, lookupExpiresAt } = await make();
      await expect(store.lastUses()).resolves.toEqual({});
      for (const id of ['k1', 'k2']) await store.insert(...apiKey(id, IN_A_DAY));
      await store.recordUses({ k1: '2026-02-01T00:00:00.000Z' });
      await store.recordUses({ k1: '2026-02-02T00:00:00.000Z', k2: '2026-02-01T00:00:00.000Z' });
      await expect(store.lastUses()).resolves.toEqual({
        k1: '2026-02-02T00:00:00.000Z',
        k2: '2026-02-01T00:00:00.000Z',
      });
      await store.remove(apiKey('k1', IN_A_DAY)[0]);
      await expect(store.lookup('hash-k1')).resolves.toBeUndefined();
      await expect(lookupExpiresAt('hash-k1')).resolves.toBeUndefined();
      await expect(store.get('k1')).resolves.toBeUndefined();
      await expect(store.lastUses()).resolves.toEqual({ k2: '2026-02-01T00:00:00.000Z' });
      await expect(store.all()).resolves.toEqual([apiKey('k2', IN_A_DAY)[0]]);
    });
  });
}
