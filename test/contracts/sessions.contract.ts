import type { Session, SessionKeyLimits, SessionsStore } from '@techsapo/security';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

const HOUR = 3_600_000;
const IDLE = 600_000;
const limits: SessionKeyLimits = { keyTtlMs: IDLE, maxPerUser: 3, setTtlMs: HOUR };
// The store's own clock inputs. Keys expire in Redis' time, so the tests stay near the real now.
const T0 = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

const session = (id: string, userId: string, createdAt = T0, end = T0 + HOUR): Session => ({
  id,
  userId,
  username: `name-of-${userId}`,
  roles: ['analyst'],
  permissions: ['read', 'analyze'],
  securityLevel: 'restricted',
  createdAt: iso(createdAt),
  lastSeenAt: iso(createdAt),
  expiresAt: iso(end),
  ip: '203.0.113.0',
  userAgent: 'Firefox',
});

const ids = (sessions: Session[]) => sessions.map((s) => s.id).sort();

export function sessionsContract(make: MakeStore<Fake<SessionsStore>>): void {
  describe('SessionsStore', () => {
    it('finds a session for its owner only; a check records nothing, a touch records the activity', async () => {
      const sessions = await make();
      const s1 = session('s1', 'u1');
      await sessions.insert(s1, limits);
      await expect(sessions.read('u1', 's1')).resolves.toEqual(s1);
      await expect(sessions.read('u2', 's1')).resolves.toBeUndefined();
      await expect(sessions.ownerOf('s1')).resolves.toBe('u1');
      await expect(sessions.ownerOf('s2')).resolves.toBeNull();
      const active = {
        userId: 'u1',
        username: 'name-of-u1',
        roles: ['analyst'],
        expiresAt: T0 + HOUR,
        lastSeenAt: T0,
      };
      await expect(sessions.check('u1', 's1', T0 + 1_000)).resolves.toEqual(active);
      await expect(sessions.read('u1', 's1')).resolves.toEqual(s1);
      await expect(sessions.check('u2', 's1', T0 + 1_000)).resolves.toBeUndefined();
      await expect(sessions.check('u1', 's2', T0 + 1_000)).resolves.toBeUndefined();

      await expect(sessions.touch('u1', 's1', T0 + 2_000, IDLE)).resolves.toBe(true);
      await expect(sessions.read('u1', 's1')).resolves.toEqual({
        ...s1,
        lastSeenAt: iso(T0 + 2_000),
      });
      // An earlier activity recorded late (another instance) does not move it back.
      await expect(sessions.touch('u1', 's1', T0 + 1_500, IDLE)).resolves.toBe(true);
      await expect(sessions.check('u1', 's1', T0 + 2_500)).resolves.toEqual({
        ...active,
        lastSeenAt: T0 + 2_000,
      });
      await expect(sessions.touch('u2', 's1', T0 + 3_000, IDLE)).resolves.toBe(false);
      await expect(sessions.touch('u1', 's2', T0 + 3_000, IDLE)).resolves.toBe(false);
      await expect(sessions.read('u1', 's1')).resolves.toEqual({
        ...s1,
        lastSeenAt: iso(T0 + 2_000),
      });
    });

    it('ends a session checked at or after its end, and no touch brings an ended one back', async () => {
      const sessions = await make();
      await sessions.insert(session('s1', 'u1'), limits);
      await expect(sessions.touch('u1', 's1', T0 + HOUR, IDLE)).resolves.toBe(false);
      await expect(sessions.check('u1', 's1', T0 + HOUR)).resolves.toBeUndefined();
      await expect(sessions.read('u1', 's1')).resolves.toBeUndefined();
      await expect(sessions.list('u1')).resolves.toEqual([]);
      await sessions.insert(session('s2', 'u1'), limits);
      await expect(sessions.end('u1', 's2')).resolves.toBe(true);
      await expect(sessions.touch('u1', 's2', T0 + 1_000, IDLE)).resolves.toBe(false);
      await expect(sessions.read('u1', 's2')).resolves.toBeUndefined();
      await expect(sessions.ownerOf('s2')).resolves.toBeNull();
    });

    it('keeps at most the limit of sessions per user, ending the oldest', async () => {
      const sessions = await make();
      for (const [i, id] of ['s1', 's2', 's3', 's4'].entries())
        await sessions.insert(session(id, 'u1', T0 + i), limits);
      await sessions.insert(session('s5', 'u2'), limits);
      expect(ids(await sessions.list('u1'))).toEqual(['s2', 's3', 's4']);
      expect(ids(await sessions.list())).toEqual(['s2', 's3', 's4', 's5']);
      await expect(sessions.read('u1', 's1')).resolves.toBeUndefined();
      await expect(sessions.ownerOf('s1')).resolves.toBeNull();
    });

    it('rotates a live session once, into a successor that keeps its user, roles and end', async () => {
      const sessions = await make();
      const s1 = session('s1', 'u1');
      await sessions.insert(s1, limits);
      const successor = { id: 's2', createdAt: T0 + 5_000, ip: '198.51.100.0', userAgent: 'curl' };
      await expect(sessions.rotate('u1', 's1', successor, limits)).resolves.toEqual({
        username: 'name-of-u1',
        roles: ['analyst'],
        expiresAt: T0 + HOUR,
      });
      await expect(sessions.read('u1', 's2')).resolves.toEqual({
        ...session('s2', 'u1', T0 + 5_000),
        ip: '198.51.100.0',
        userAgent: 'curl',
      });
      await expect(sessions.read('u1', 's1')).resolves.toBeUndefined();
      await expect(sessions.ownerOf('s1')).resolves.toBeNull();
      await expect(sessions.ownerOf('s2')).resolves.toBe('u1');
      const again = { ...successor, id: 's3' };
      await expect(sessions.rotate('u1', 's1', again, limits)).resolves.toBeUndefined();
      await expect(sessions.rotate('u2', 's2', again, limits)).resolves.toBeUndefined();
      const late = { ...successor, id: 's4', createdAt: T0 + HOUR };
      await expect(sessions.rotate('u1', 's2', late, limits)).resolves.toBeUndefined();
      expect(ids(await sessions.list())).toEqual(['s2']);
    });

    it('gives one of concurrent rotations of a session its successor', async () => {
      const sessions = await make();
      await sessions.insert(session('s1', 'u1'), limits);
      const rotated = await Promise.all(
        ['s2', 's3', 's4'].map((id) =>
          sessions.rotate('u1', 's1', { id, createdAt: T0 + 1, ip: '', userAgent: '' }, limits),
        ),
      );
      expect(rotated.filter(Boolean)).toHaveLength(1);
      await expect(sessions.list('u1')).resolves.toHaveLength(1);
    });

    it("ends one session of its owner, or all of a user's", async () => {
      const sessions = await make();
      for (const [id, userId] of [
        ['s1', 'u1'],
        ['s2', 'u1'],
        ['s3', 'u1'],
        ['s4', 'u2'],
      ])
        await sessions.insert(session(id, userId), limits);
      await expect(sessions.end('u1', 's1')).resolves.toBe(true);
      await expect(sessions.end('u1', 's1')).resolves.toBe(false);
      await expect(sessions.ownerOf('s1')).resolves.toBeNull();
      await expect(sessions.endAllOf('u1')).resolves.toBe(2);
      await expect(sessions.endAllOf('u1')).resolves.toBe(0);
      await expect(sessions.read('u1', 's2')).resolves.toBeUndefined();
      expect(ids(await sessions.list())).toEqual(['s4']);
    });

    it("leaves another user's session alive and listed when asked to end it", async () => {
      const sessions = await make();
      await sessions.insert(session('s1', 'u1'), limits);
      await expect(sessions.end('u2', 's1')).resolves.toBe(false);
      await expect(sessions.ownerOf('s1')).resolves.toBe('u1');
      expect(ids(await sessions.list())).toEqual(['s1']);
      await expect(sessions.countUnexpired(T0)).resolves.toBe(1);
      await expect(sessions.check('u1', 's1', T0 + 1)).resolves.toMatchObject({
        userId: 'u1',
      });
    });

    it("counts only live sessions when ending all of a user's, and forgets the ended ones", async () => {
      const sessions = await make();
      await sessions.insert(session('s1', 'u1', T0, T0 + 10_000), limits);
      await sessions.insert(session('s2', 'u1'), limits);
      await expect(sessions.check('u1', 's1', T0 + 20_000)).resolves.toBeUndefined();
      await expect(sessions.endAllOf('u1')).resolves.toBe(1);
      await expect(sessions.ownerOf('s1')).resolves.toBeNull();
      await expect(sessions.countUnexpired(T0)).resolves.toBe(0);
    });

    it("gives new roles to the user's live sessions", async () => {
      const sessions = await make();
      await sessions.insert(session('s1', 'u1'), limits);
      await sessions.insert(session('s2', 'u2'), limits);
      await sessions.setRoles('u1', ['viewer']);
      await expect(sessions.check('u1', 's1', T0 + 1)).resolves.toMatchObject({
        roles: ['viewer'],
      });
      await expect(sessions.read('u2', 's2')).resolves.toMatchObject({ roles: ['analyst'] });
    });

    it('counts sessions not past their end, and prunes the ended from the list', async () => {
      const sessions = await make();
      await sessions.insert(session('s1', 'u1', T0, T0 + 10_000), limits);
      await sessions.insert(session('s2', 'u2'), limits);
      await sessions.insert(session('s3', 'u3'), limits);
      await sessions.check('u3', 's3', T0 + HOUR);
      await expect(sessions.countUnexpired(T0 + 5_000)).resolves.toBe(3);
      await expect(sessions.countUnexpired(T0 + 10_000)).resolves.toBe(2);
      await expect(sessions.countUnexpired(T0 + 20_000)).resolves.toBe(2);
      await expect(sessions.prune(T0 + 20_000)).resolves.toBe(1);
      expect(ids(await sessions.list())).toEqual(['s2']);
      await expect(sessions.ownerOf('s1')).resolves.toBeNull();
      await expect(sessions.countUnexpired(T0)).resolves.toBe(1);
    });
  });
}
