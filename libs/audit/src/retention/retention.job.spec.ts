import { InMemoryAuditStore, InMemoryRetentionLockStore } from '@techsapo/testing';
import { auditConfig } from '../config/audit.config';
import { AuditChain, CHAIN_START } from '../trail/audit-chain';
import type { AuditDraft } from '../trail/audit-entry';
import type { AuditStore } from '../trail/audit-store';
import type { RetentionLockStore } from './retention-lock.store';
import { RetentionJob } from './retention.job';
import { RetentionRegistry } from './retention.registry';

const chain = new AuditChain(Buffer.from('k'.repeat(32)));
const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

const draft = (day: number): AuditDraft => ({
  id: `id-${day}`,
  timestamp: new Date(T0 + day * DAY_MS).toISOString(),
  type: 'http',
  actor: { id: 'usr_1', roles: ['analyst'] },
  request: { id: `r${day}`, method: 'GET', path: '/x', ip: '10.0.0.***', userAgent: 'curl/***' },
  outcome: { status: 200, decision: 'allowed' },
  details: {},
});

/** The job over an audit stream of one entry a day (days 1 to 5), the lock and purges in memory. */
function setup() {
  const store = new InMemoryAuditStore();
  const entries = chain.seal([1, 2, 3, 4, 5].map(draft), CHAIN_START).map((s) => s.entry);
  for (const entry of entries) store.write([entry], Date.parse(entry.timestamp));
  const lock = new InMemoryRetentionLockStore();
  const registry = new RetentionRegistry();
  const job = new RetentionJob(
    lock as unknown as RetentionLockStore,
    store as unknown as AuditStore,
    chain,
    registry,
    { ...auditConfig.read({}), retentionDays: 30 },
  );
  return { job, store, lock, registry, entries };
}

/** 30 days after day 3.5: entries of days 1 to 3 are past retention. */
const NOW = new Date(T0 + 33.5 * DAY_MS);

describe('RetentionJob (lock and stores in memory)', () => {
  it('trims the audit entries past retention, anchoring the chain at the last one removed', async () => {
    const t = setup();
    const run = await t.job.run(NOW);
    expect(run).toEqual({
      ran: true,
      cutoff: new Date(T0 + 3.5 * DAY_MS).toISOString(),
      removed: { audit: 3 },
      failed: [],
    });
    expect(t.store.stream.map((s) => s.entry.seq)).toEqual([4, 5]);
    const last = { seq: t.entries[2].seq, hash: t.entries[2].hash };
    expect(t.store.anchorLink).toEqual({ ...last, sig: chain.signLink(last) });
  });

  it('runs every registered purge with the same cutoff and gives the lock back', async () => {
    const t = setup();
    const cutoffs: Date[] = [];
    t.registry.register('analyses', async (cutoff) => {
      cutoffs.push(cutoff);
      return 7;
    });
    const run = await t.job.run(NOW);
    expect(run.removed).toEqual({ audit: 3, analyses: 7 });
    expect(cutoffs.map((c) => c.toISOString())).toEqual([run.cutoff]);
    expect(t.lock.ttlMs).toBeGreaterThan(0);
    expect(t.lock.heldBy).toBeUndefined();
  });

  it('does nothing while another instance holds the lock, and leaves its lock alone', async () => {
    const t = setup();
    await t.lock.acquire('other-instance', 60_000);
    const purged: string[] = [];
    t.registry.register('analyses', async () => {
      purged.push('analyses');
      return 1;
    });
    const run = await t.job.run(NOW);
    expect(run).toMatchObject({ ran: false, removed: {}, failed: [] });
    expect(purged).toEqual([]);
    expect(t.store.stream).toHaveLength(5);
    expect(t.lock.heldBy).toBe('other-instance');
  });

  it('reports a failing purge and still runs the others, lock given back', async () => {
    const t = setup();
    t.registry.register('usage', async () => {
      throw new Error('redis went away');
    });
    t.registry.register('analyses', async () => 2);
    const run = await t.job.run(NOW);
    expect(run.failed).toEqual(['usage']);
    expect(run.removed).toEqual({ audit: 3, analyses: 2 });
    expect(t.lock.heldBy).toBeUndefined();
  });

  it('leaves the audit stream whole when its last entry to remove is unreadable', async () => {
    const t = setup();
    t.store.stream[2].unreadable = true;
    const run = await t.job.run(NOW);
    expect(run.failed).toEqual(['audit']);
    expect(t.store.stream).toHaveLength(5);
    expect(t.store.anchorLink).toBeUndefined();
  });

  it('removes nothing when no entry is past retention', async () => {
    const t = setup();
    const run = await t.job.run(new Date(T0 + 30 * DAY_MS));
    expect(run).toMatchObject({ ran: true, removed: { audit: 0 }, failed: [] });
    expect(t.store.stream).toHaveLength(5);
  });

  it('runs on its timer; shutdown waits for the run going, lock given back', async () => {
    jest.useFakeTimers();
    try {
      const t = setup();
      let release!: () => void;
      const purging = new Promise<void>((resolve) => (release = resolve));
      let runs = 0;
      t.registry.register('analyses', async () => {
        runs += 1;
        await purging;
        return 1;
      });
      t.job.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(runs).toBe(1);
      let stopped = false;
      const stopping = t.job.beforeApplicationShutdown().then(() => (stopped = true));
      await jest.advanceTimersByTimeAsync(3_600_000);
      expect(stopped).toBe(false);
      expect(t.lock.heldBy).toBeDefined();
      release();
      await stopping;
      expect(t.lock.heldBy).toBeUndefined();
      // No run after shutdown began.
      await jest.advanceTimersByTimeAsync(3_600_000);
      expect(runs).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
