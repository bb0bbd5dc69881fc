import type { RetentionLockStore } from '@techsapo/audit';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

/** The lock store, and the time left on the lock in ms (undefined while it is free). */
export interface RetentionLockSubject {
  store: Fake<RetentionLockStore>;
  heldForMs(): Promise<number | undefined>;
}

const TTL_MS = 60_000;

export function retentionLockContract(make: MakeStore<RetentionLockSubject>): void {
  describe('RetentionLockStore', () => {
    it('is held by one holder at a time, for the time it was taken for', async () => {
      const { store: lock, heldForMs } = await make();
      await expect(heldForMs()).resolves.toBeUndefined();
      await expect(lock.acquire('a', TTL_MS)).resolves.toBe(true);
      await expect(lock.acquire('b', 10 * TTL_MS)).resolves.toBe(false);
      await expect(lock.acquire('a', TTL_MS)).resolves.toBe(false);
      const left = await heldForMs();
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(TTL_MS);
    });

    it('goes to one of concurrent holders', async () => {
      const { store: lock } = await make();
      const taken = await Promise.all(['a', 'b', 'c'].map((h) => lock.acquire(h, TTL_MS)));
      expect(taken.filter(Boolean)).toHaveLength(1);
    });

    it('is released by its holder only', async () => {
      const { store: lock, heldForMs } = await make();
      await lock.release('a');
      await lock.acquire('a', TTL_MS);
      await lock.release('b');
      await expect(lock.acquire('b', TTL_MS)).resolves.toBe(false);
      await lock.release('a');
      await expect(heldForMs()).resolves.toBeUndefined();
      await expect(lock.acquire('b', TTL_MS)).resolves.toBe(true);
    });
  });
}
