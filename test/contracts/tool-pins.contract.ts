import type { ToolPin, ToolPinsStore } from '@techsapo/mcp-proxy';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

const pin = (hash: string): ToolPin => ({
  hash,
  approvedAt: '2026-01-01T00:00:00.000Z',
  approvedBy: 'first-catalogue',
  definition: { name: 'read', inputSchema: { type: 'object' } },
});

export function toolPinsContract(make: MakeStore<Fake<ToolPinsStore>>): void {
  describe('ToolPinsStore', () => {
    it('pins a tool once with insert, and overwrites the pin with put', async () => {
      const pins = await make();
      await expect(pins.get('fs', 'read')).resolves.toBeUndefined();
      await expect(pins.insert('fs', 'read', pin('h1'))).resolves.toBe(true);
      await expect(pins.insert('fs', 'read', pin('h2'))).resolves.toBe(false);
      await expect(pins.get('fs', 'read')).resolves.toEqual(pin('h1'));
      await pins.put('fs', 'read', { ...pin('h3'), approvedBy: 'admin-1' });
      await expect(pins.get('fs', 'read')).resolves.toEqual({
        ...pin('h3'),
        approvedBy: 'admin-1',
      });
    });

    it("lists a server's pins by tool, apart from other servers'", async () => {
      const pins = await make();
      await expect(pins.all('fs')).resolves.toEqual(new Map());
      await pins.put('fs', 'read', pin('h1'));
      await pins.put('fs', 'search', pin('h2'));
      await pins.put('git', 'read', pin('h3'));
      await expect(pins.all('fs')).resolves.toEqual(
        new Map([
          ['read', pin('h1')],
          ['search', pin('h2')],
        ]),
      );
      await expect(pins.get('git', 'search')).resolves.toBeUndefined();
    });

    it("marks each server's baseline taken once", async () => {
      const pins = await make();
      const at = new Date('2026-01-01T00:00:00.000Z');
      await expect(pins.markBaseline('fs', at)).resolves.toBe(true);
      await expect(pins.markBaseline('fs', at)).resolves.toBe(false);
      await expect(pins.markBaseline('git', at)).resolves.toBe(true);
      const raced = await Promise.all(
        ['h1', 'h2', 'h3'].map((h) => pins.insert('db', 'q', pin(h))),
      );
      expect(raced.filter(Boolean)).toHaveLength(1);
      const taken = await Promise.all([1, 2, 3].map(() => pins.markBaseline('db', at)));
      expect(taken.filter(Boolean)).toHaveLength(1);
    });
  });
}
