import type { Block, BlockKind, BlocksStore } from '@techsapo/security';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

const TTL_MS = 600_000;

const block = (id: string, kind: BlockKind, value: string): Block => ({
  id,
  kind,
  value,
  reason: `reason ${id}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T00:10:00.000Z',
  createdBy: 'admin-1',
});

const ip = { kind: 'ip', value: '203.0.113.7' } as const;
const alice = { kind: 'user', value: 'u1' } as const;

const byId = (blocks: Block[]) => [...blocks].sort((a, b) => a.id.localeCompare(b.id));

export function blocksContract(make: MakeStore<Fake<BlocksStore>>): void {
  describe('BlocksStore', () => {
    it('puts a block in force for its target and keeps its record', async () => {
      const blocks = await make();
      const b1 = block('b1', 'ip', ip.value);
      await expect(blocks.insert(b1, TTL_MS, false)).resolves.toBe(true);
      await expect(blocks.inForce([alice, ip])).resolves.toEqual(b1);
      await expect(blocks.inForce([alice])).resolves.toBeUndefined();
      await expect(blocks.inForce([])).resolves.toBeUndefined();
      await expect(blocks.get('b1')).resolves.toEqual(b1);
      await expect(blocks.get('b2')).resolves.toBeUndefined();
      await expect(blocks.all()).resolves.toEqual([b1]);
    });

    it('adds a block where one is in force only when asked to, the newer then in force', async () => {
      const blocks = await make();
      const [b1, b2, b3] = ['b1', 'b2', 'b3'].map((id) => block(id, 'ip', ip.value));
      await blocks.insert(b1, TTL_MS, true);
      await expect(blocks.insert(b2, TTL_MS, true)).resolves.toBe(false);
      await expect(blocks.get('b2')).resolves.toBeUndefined();
      await expect(blocks.inForce([ip])).resolves.toEqual(b1);
      await expect(blocks.insert(b3, TTL_MS, false)).resolves.toBe(true);
      await expect(blocks.inForce([ip])).resolves.toEqual(b3);
      expect(byId(await blocks.all())).toEqual([b1, b3]);
    });

    it('answers with the first target in force, in the order asked', async () => {
      const blocks = await make();
      const onIp = block('b1', 'ip', ip.value);
      const onUser = block('b2', 'user', alice.value);
      await blocks.insert(onIp, TTL_MS, false);
      await blocks.insert(onUser, TTL_MS, false);
      await expect(blocks.inForce([alice, ip])).resolves.toEqual(onUser);
      await expect(blocks.inForce([ip, alice])).resolves.toEqual(onIp);
      // Checks asked in one turn are answered together: each still gets its own answer.
      await expect(
        Promise.all([blocks.inForce([alice, ip]), blocks.inForce([ip]), blocks.inForce([])]),
      ).resolves.toEqual([onUser, onIp, undefined]);
      await expect(blocks.inForce([{ kind: 'session', value: 'u1' }])).resolves.toBeUndefined();
    });

    it("removes a record, lifting its target's block only if that block is the one in force", async () => {
      const blocks = await make();
      const [b1, b2] = ['b1', 'b2'].map((id) => block(id, 'ip', ip.value));
      await blocks.insert(b1, TTL_MS, false);
      await blocks.insert(b2, TTL_MS, false);
      await blocks.remove(b1);
      await expect(blocks.get('b1')).resolves.toBeUndefined();
      await expect(blocks.inForce([ip])).resolves.toEqual(b2);
      await blocks.remove(b2);
      await expect(blocks.inForce([ip])).resolves.toBeUndefined();
      await expect(blocks.all()).resolves.toEqual([]);
    });

    it('forgets records without touching the block in force', async () => {
      const blocks = await make();
      const [b1, b2] = [block('b1', 'ip', ip.value), block('b2', 'user', alice.value)];
      await blocks.insert(b1, TTL_MS, false);
      await blocks.insert(b2, TTL_MS, false);
      await blocks.forget([]);
      await blocks.forget(['b1', 'b9']);
      await expect(blocks.all()).resolves.toEqual([b2]);
      await expect(blocks.inForce([ip])).resolves.toEqual(b1);
    });
  });
}
