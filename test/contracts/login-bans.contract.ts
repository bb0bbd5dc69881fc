import type { BanRule, LoginBansStore } from '@techsapo/security';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

const rule: BanRule = { windowMs: 600_000, maxFailures: 3, banMs: 600_000 };
const shortBan: BanRule = { ...rule, banMs: 60_000 };

export function loginBansContract(make: MakeStore<Fake<LoginBansStore>>): void {
  describe('LoginBansStore', () => {
    it('bans a name at the last failure allowed, whatever its case or Unicode form', async () => {
      const bans = await make();
      await expect(bans.longestBanMs('alice', '192.0.2.1')).resolves.toBe(0);
      await expect(bans.countFailure('alice', '192.0.2.1', rule)).resolves.toBe(false);
      await expect(bans.countFailure('ALICE', '192.0.2.2', rule)).resolves.toBe(false);
      await expect(bans.countFailure('ａｌｉｃｅ', '192.0.2.3', rule)).resolves.toBe(true);
      const left = await bans.longestBanMs('Alice', '192.0.2.9');
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(rule.banMs);
      await expect(bans.longestBanMs('bob', '192.0.2.1')).resolves.toBe(0);
    });

    it('bans an address on failures of any names, and counts afresh after a ban', async () => {
      const bans = await make();
      const started = await Promise.all(
        ['a', 'b', 'c'].map((name) => bans.countFailure(name, '192.0.2.1', rule)),
      );
      expect(started.filter(Boolean)).toHaveLength(1);
      await expect(bans.longestBanMs('d', '192.0.2.1')).resolves.toBeGreaterThan(0);
      for (const name of ['e', 'f'])
        await expect(bans.countFailure(name, '192.0.2.1', rule)).resolves.toBe(false);
    });

    it('answers with the longer ban of the name and the address', async () => {
      const bans = await make();
      for (const name of ['a', 'b', 'c']) await bans.countFailure(name, '192.0.2.1', shortBan);
      for (const ip of ['192.0.2.7', '192.0.2.8', '192.0.2.9'])
        await bans.countFailure('alice', ip, rule);
      await expect(bans.longestBanMs('alice', '192.0.2.1')).resolves.toBeGreaterThan(
        shortBan.banMs,
      );
      await expect(bans.longestBanMs('bob', '192.0.2.1')).resolves.toBeLessThanOrEqual(
        shortBan.banMs,
      );
    });

    it("clears a name's failures and not its address'", async () => {
      const bans = await make();
      await bans.countFailure('alice', '192.0.2.1', rule);
      await bans.countFailure('alice', '192.0.2.1', rule);
      await bans.clearFailures('Alice');
      await expect(bans.countFailure('alice', '192.0.2.2', rule)).resolves.toBe(false);
      await expect(bans.countFailure('alice', '192.0.2.3', rule)).resolves.toBe(false);
      await expect(bans.countFailure('bob', '192.0.2.1', rule)).resolves.toBe(true);
      await expect(bans.longestBanMs('carol', '192.0.2.1')).resolves.toBeGreaterThan(0);
      await expect(bans.longestBanMs('alice', '192.0.2.2')).resolves.toBe(0);
    });
  });
}
