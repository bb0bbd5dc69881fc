import { NotFoundError } from '@techsapo/core';
import { BudgetExceededError } from '../errors/budget-exceeded.error';
import type { Owner } from '../usage/owner';
import type { NamedOwner, OwnerDirectory } from '../usage/owner-directory';
import type { UsageLedgerStore } from '../usage/usage-ledger.store';
import type { BudgetStore } from './budget.store';
import { BudgetsService } from './budgets.service';

const NOON = new Date('2025-01-31T12:00:00.000Z');
const alice: Owner = { kind: 'user', id: 'u-alice' };
const ci: Owner = { kind: 'api-key', id: 'k-ci' };

/** The service with every store faked in memory (the e2e suite proves the wiring). */
function newTestService(
  defaults: { user: number | null; 'api-key': number | null },
  spent: Record<string, number> = {},
) {
  const overrides = new Map<string, number>();
  const store = {
    get: (o: Owner) => Promise.resolve(overrides.get(`${o.kind}:${o.id}`)),
    set: (o: Owner, usd: number | null) => {
      if (usd === null) overrides.delete(`${o.kind}:${o.id}`);
      else overrides.set(`${o.kind}:${o.id}`, usd);
      return Promise.resolve();
    },
    all: () =>
      Promise.resolve(
        [...overrides].map(([k, dailyUsd]) => {
          const [kind, id] = k.split(/:(.*)/s) as [Owner['kind'], string];
          return { owner: { kind, id }, dailyUsd };
        }),
      ),
  } as unknown as BudgetStore;
  const ledger = {
    spentOn: (id: string, day: string) => Promise.resolve(spent[`${id}@${day}`] ?? 0),
  } as unknown as UsageLedgerStore;
  const people: NamedOwner[] = [
    { ...alice, name: 'alice' },
    { ...ci, name: 'pipeline' },
  ];
  const owners = {
    all: () => Promise.resolve(people),
    find: (o: Owner) => {
      const found = people.find((p) => p.kind === o.kind && p.id === o.id);
      return found ? Promise.resolve(found) : Promise.reject(new NotFoundError());
    },
  } as unknown as OwnerDirectory;
  return new BudgetsService(store, ledger, owners, { dailyUsd: defaults });
}

describe('BudgetsService', () => {
  it('admits without a budget, and while the day is not spent', async () => {
    const free = newTestService({ user: null, 'api-key': null }, { 'u-alice@2025-01-31': 50 });
    await expect(free.admit(alice, NOON)).resolves.toMatchObject({ source: 'none' });
    const limited = newTestService({ user: 1, 'api-key': null }, { 'u-alice@2025-01-31': 0.4 });
    await expect(limited.admit(alice, NOON)).resolves.toMatchObject({
      dailyUsd: 1,
      source: 'default',
      remainingTodayUsd: 0.6,
    });
  });

  it('refuses a spent day with the figures and a retry at the next midnight UTC', async () => {
    const service = newTestService({ user: 1, 'api-key': null }, { 'u-alice@2025-01-31': 1 });
    const refusal = await service.admit(alice, NOON).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(BudgetExceededError);
    const error = refusal as BudgetExceededError;
    expect(error.status).toBe(429);
    expect(error.options.headers).toEqual({ 'Retry-After': String(12 * 3600) });
    expect(error.options.extensions).toEqual({
      budget: {
        kind: 'user',
        id: 'u-alice',
        dailyUsd: 1,
        spentUsd: 1,
        resetsAt: '2025-02-01T00:00:00.000Z',
      },
    });
    // Yesterday's spend does not count today.
    await expect(service.admit(alice, new Date('2025-02-01T00:00:01Z'))).resolves.toBeDefined();
  });

  it('overrides the default per owner; null restores it; 0 allows nothing', async () => {
    const service = newTestService({ user: 5, 'api-key': 2 });
    await expect(service.set(ci, 0)).resolves.toMatchObject({
      name: 'pipeline',
      dailyUsd: 0,
      source: 'override',
      overrideUsd: 0,
    });
    await expect(service.admit(ci, NOON)).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(service.set(ci, null)).resolves.toMatchObject({ dailyUsd: 2, source: 'default' });
    await expect(service.set({ kind: 'user', id: 'nobody' }, 1)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('caps an analysis at its own limit or at what its attempts spent plus what the day leaves', async () => {
    const service = newTestService({ user: 1, 'api-key': null }, { 'u-alice@2025-01-31': 0.7 });
    await expect(service.capFor(alice, { spentUsd: 0 }, NOON)).resolves.toBeCloseTo(0.3, 9);
    await expect(service.capFor(alice, { spentUsd: 0.2 }, NOON)).resolves.toBeCloseTo(0.5, 9);
    await expect(service.capFor(alice, { maxCostUsd: 0.1, spentUsd: 0 }, NOON)).resolves.toBe(0.1);
    const free = newTestService({ user: null, 'api-key': null });
    await expect(free.capFor(alice, { spentUsd: 0 }, NOON)).resolves.toBeUndefined();
    await expect(free.capFor(alice, { maxCostUsd: 2, spentUsd: 1 }, NOON)).resolves.toBe(2);
  });

  it('lists every owner with its budget and spend, and overrides of owners that are gone', async () => {
    const service = newTestService({ user: null, 'api-key': 3 }, { 'k-ci@2025-01-31': 1.25 });
    await service.set(alice, 4);
    await (service as unknown as { store: BudgetStore }).store.set(
      { kind: 'user', id: 'u-gone' },
      9,
    );
    const overview = await service.overview(NOON);
    expect(overview).toMatchObject({
      defaults: { userDailyUsd: null, apiKeyDailyUsd: 3 },
      day: '2025-01-31',
      resetsAt: '2025-02-01T00:00:00.000Z',
    });
    expect(overview.items.map((i) => [i.name, i.dailyUsd, i.source, i.remainingTodayUsd])).toEqual([
      ['alice', 4, 'override', 4],
      ['pipeline', 3, 'default', 1.75],
      [null, 9, 'override', 9],
    ]);
  });
});
