import type { McpQuotasStore } from '@techsapo/mcp-proxy';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

const WINDOW_MS = 60_000;

export function mcpQuotasContract(make: MakeStore<Fake<McpQuotasStore>>): void {
  describe('McpQuotasStore', () => {
    it('counts uses per principal, kind and window, this one included', async () => {
      const quotas = await make();
      await expect(quotas.increment('p1', 'tools', 7, WINDOW_MS)).resolves.toBe(1);
      await expect(quotas.increment('p1', 'tools', 7, WINDOW_MS)).resolves.toBe(2);
      await expect(quotas.increment('p1', 'resources', 7, WINDOW_MS)).resolves.toBe(1);
      await expect(quotas.increment('p1', 'tools', 8, WINDOW_MS)).resolves.toBe(1);
      await expect(quotas.increment('p2', 'tools', 7, WINDOW_MS)).resolves.toBe(1);
      await expect(quotas.increment('p1', 'tools', 7, WINDOW_MS)).resolves.toBe(3);
      const concurrent = await Promise.all(
        [1, 2, 3].map(() => quotas.increment('p3', 'tools', 7, WINDOW_MS)),
      );
      expect(concurrent.sort()).toEqual([1, 2, 3]);
    });
  });
}
