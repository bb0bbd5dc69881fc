import { ValidationFailedError } from '@techsapo/core';
import type { OwnerDirectory } from './owner-directory';
import type { DayUsage, UsageLedgerStore } from './usage-ledger.store';
import { UsageService } from './usage.service';

const NOW = new Date('2025-01-31T12:00:00.000Z');

function row(day: string, ownerId: string, costUsd: number): DayUsage {
  return {
    day,
    ownerId,
    ownerKind: 'user',
    inputTokens: 10,
    outputTokens: 5,
    costUsd,
    calls: 2,
    failedCalls: 0,
    estimatedCalls: 0,
    analyses: 1,
  };
}

function newTestService(rows: DayUsage[]): UsageService {
  const ledger = {
    ownersOn: (day: string) =>
      Promise.resolve([...new Set(rows.filter((r) => r.day === day).map((r) => r.ownerId))]),
    day: (ownerId: string, day: string) =>
      Promise.resolve(rows.find((r) => r.day === day && r.ownerId === ownerId)),
  } as unknown as UsageLedgerStore;
  const owners = {
    all: () => Promise.resolve([{ kind: 'user', id: 'u1', name: 'alice' }]),
  } as unknown as OwnerDirectory;
  return new UsageService(ledger, owners);
}

describe('UsageService reports', () => {
  const service = newTestService([
    row('2025-01-24', 'u1', 9),
    row('2025-01-25', 'u2', 0.2),
    row('2025-01-31', 'u1', 0.1),
    row('2025-01-30', 'u1', 0.2),
  ]);

  it('covers the last seven days by default, by day then owner, with exact totals', async () => {
    const report = await service.report({}, NOW);
    expect(report.since).toBe('2025-01-25');
    expect(report.until).toBe('2025-01-31');
    expect(report.items.map((i) => [i.day, i.ownerId, i.ownerName])).toEqual([
      ['2025-01-25', 'u2', null],
      ['2025-01-30', 'u1', 'alice'],
      ['2025-01-31', 'u1', 'alice'],
    ]);
    expect(report.totals).toMatchObject({ costUsd: 0.5, calls: 6, analyses: 3 });
  });

  it('reads one owner and a range given as dates or date-times (their UTC days)', async () => {
    const report = await service.report(
      { since: '2025-01-24T23:30:00-02:00', until: '2025-01-30', ownerId: 'u1' },
      NOW,
    );
    expect(report.since).toBe('2025-01-25');
    expect(report.items.map((i) => i.day)).toEqual(['2025-01-30']);
  });

  it.each([
    [{ since: 'soon' }, 'since'],
    [{ until: '2025-02-30T25:00:00Z' }, 'until'],
    [{ since: '2025-01-31', until: '2025-01-30' }, 'since'],
    [{ since: '2024-12-31', until: '2025-01-31' }, 'since'],
  ])('refuses %j', async (query, field) => {
    const error = await service.report(query, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).options.errors?.[0].field).toBe(field);
  });
});
