import type { McpSessionsStore } from '@techsapo/mcp-proxy';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

const IDLE = 600_000;
// The store's own clock inputs; the set expires in Redis' time, so they stay near the real now.
const T0 = Date.now();

export function mcpSessionsContract(make: MakeStore<Fake<McpSessionsStore>>): void {
  describe('McpSessionsStore', () => {
    it("answers an add with the principal's live sessions, least recently active first", async () => {
      const sessions = await make();
      await expect(sessions.add('p1', 'a', T0, IDLE)).resolves.toEqual(['a']);
      await expect(sessions.add('p1', 'b', T0 + 1, IDLE)).resolves.toEqual(['a', 'b']);
      await expect(sessions.add('p1', 'a', T0 + 2, IDLE)).resolves.toEqual(['b', 'a']);
      await expect(sessions.add('p2', 'c', T0, IDLE)).resolves.toEqual(['c']);
      await expect(sessions.add('p1', 'd', T0 + 1 + IDLE, IDLE)).resolves.toEqual(['a', 'd']);
    });

    it('touches only a live session, and drops the idle ones', async () => {
      const sessions = await make();
      await sessions.add('p1', 'a', T0, IDLE);
      await sessions.add('p1', 'b', T0 + 10, IDLE);
      await expect(sessions.touch('p1', 'a', T0 + 20, IDLE)).resolves.toBe(true);
      await expect(sessions.touch('p1', 'x', T0 + 20, IDLE)).resolves.toBe(false);
      await expect(sessions.touch('p2', 'a', T0 + 20, IDLE)).resolves.toBe(false);
      await expect(sessions.touch('p1', 'b', T0 + 10 + IDLE, IDLE)).resolves.toBe(false);
      await expect(sessions.count('p1', 0)).resolves.toBe(1);
      await expect(sessions.add('p1', 'c', T0 + 30, IDLE)).resolves.toEqual(['a', 'c']);
    });

    it('tells a live session without touching it, as touch would find it at that time', async () => {
      const sessions = await make();
      await sessions.add('p1', 'a', T0, IDLE);
      await expect(sessions.isLive('p1', 'a', T0 + IDLE - 1, IDLE)).resolves.toBe(true);
      await expect(sessions.isLive('p1', 'a', T0 + IDLE, IDLE)).resolves.toBe(false);
      await expect(sessions.isLive('p1', 'x', T0, IDLE)).resolves.toBe(false);
      await expect(sessions.isLive('p2', 'a', T0, IDLE)).resolves.toBe(false);
      // The read left the activity as it was: a later session is still pushed ahead of it.
      await sessions.add('p1', 'b', T0 + 1, IDLE);
      await expect(sessions.add('p1', 'c', T0 + 2, IDLE)).resolves.toEqual(['a', 'b', 'c']);
      await sessions.remove('p1', ['a']);
      await expect(sessions.isLive('p1', 'a', T0, IDLE)).resolves.toBe(false);
    });

    it('counts the sessions active since a time, and forgets removed ones', async () => {
      const sessions = await make();
      await expect(sessions.count('p1', 0)).resolves.toBe(0);
      for (const [i, id] of ['a', 'b', 'c'].entries()) await sessions.add('p1', id, T0 + i, IDLE);
      await expect(sessions.count('p1', T0 + 1)).resolves.toBe(2);
      await sessions.remove('p1', ['a', 'c', 'x']);
      await sessions.remove('p1', []);
      await expect(sessions.count('p1', 0)).resolves.toBe(1);
      await expect(sessions.touch('p1', 'a', T0 + 5, IDLE)).resolves.toBe(false);
    });
  });
}
