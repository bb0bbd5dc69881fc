import type { StoredUser, UsersStore } from '@techsapo/security';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

const user = (id: string, username: string, changes: Partial<StoredUser> = {}): StoredUser => ({
  id,
  username,
  roles: ['analyst'],
  disabled: false,
  passwordHash: `hash-of-${id}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...changes,
});

const byId = (users: StoredUser[]) => [...users].sort((a, b) => a.id.localeCompare(b.id));

export function usersContract(make: MakeStore<Fake<UsersStore>>): void {
  describe('UsersStore', () => {
    it('keeps usernames unique whatever their case or Unicode form', async () => {
      const users = await make();
      await expect(users.insert(user('u1', 'Alice'))).resolves.toBe(true);
      await expect(users.insert(user('u2', 'ＡＬＩＣＥ'))).resolves.toBe(false);
      await expect(users.insert(user('u3', 'bob'))).resolves.toBe(true);
      expect(byId(await users.all())).toEqual([user('u1', 'Alice'), user('u3', 'bob')]);
      await expect(users.findByUsername('aLiCe')).resolves.toEqual(user('u1', 'Alice'));
      await expect(users.findByUsername('carol')).resolves.toBeUndefined();
      await expect(users.find('u2')).resolves.toBeUndefined();
    });

    it('lets one of concurrent inserts of a name have it', async () => {
      const users = await make();
      const inserted = await Promise.all(
        ['carol', 'Carol', 'CAROL'].map((name, i) => users.insert(user(`u${i}`, name))),
      );
      expect(inserted.filter(Boolean)).toHaveLength(1);
      await expect(users.all()).resolves.toHaveLength(1);
    });

    it('reads the last login apart from the record, which a replace does not overwrite', async () => {
      const users = await make();
      await users.insert(user('u1', 'alice'));
      await users.recordLogin('u1', new Date('2026-02-01T10:00:00.000Z'));
      const logged = user('u1', 'alice', { lastLoginAt: '2026-02-01T10:00:00.000Z' });
      await expect(users.find('u1')).resolves.toEqual(logged);
      await expect(users.all()).resolves.toEqual([logged]);
      const edited = user('u1', 'alice', { roles: ['admin'], lastLoginAt: '1999-01-01T00:00:00Z' });
      await expect(users.replace(edited)).resolves.toBe(true);
      await expect(users.find('u1')).resolves.toEqual({ ...logged, roles: ['admin'] });
      await expect(users.findByUsername('alice')).resolves.toEqual(
        user('u1', 'alice', { roles: ['admin'] }),
      );
    });

    it('replaces and removes only a user that exists, freeing the name and the last login', async () => {
      const users = await make();
      await expect(users.replace(user('u1', 'alice'))).resolves.toBe(false);
      await expect(users.find('u1')).resolves.toBeUndefined();
      await users.insert(user('u1', 'alice'));
      await users.recordLogin('u1', new Date('2026-02-01T10:00:00.000Z'));
      await expect(users.remove(user('u1', 'alice'))).resolves.toBe(true);
      await expect(users.remove(user('u1', 'alice'))).resolves.toBe(false);
      await expect(users.findByUsername('alice')).resolves.toBeUndefined();
      await expect(users.all()).resolves.toEqual([]);
      await expect(users.insert(user('u1', 'ALICE'))).resolves.toBe(true);
      await expect(users.find('u1')).resolves.toEqual(user('u1', 'ALICE'));
    });
  });
}
