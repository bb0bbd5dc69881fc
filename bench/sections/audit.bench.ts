// Audit trail: append throughput through the compare-and-append script with one and two
// concurrent writers (conflicts re-sealed), verification speed, and Redis bytes per entry,
// projected to the retention window at the SC1 load scenarios.
import { randomUUID } from 'node:crypto';
import {
  AuditChain,
  auditConfig,
  AuditDraft,
  AuditStore,
  AuditTrailService,
  DEVELOPMENT_AUDIT_KEY,
} from '../../libs/audit/src';
import { redisConfig, RedisService } from '../../libs/core/src';

interface BenchSection {
  title: string;
  rows: Record<string, string | number>[];
  goals?: { name: string; target: string; actual: string; met: boolean }[];
}

const ENTRIES = 20_000;
const BATCH = 50;
const PEAK_PER_SECOND = 5000 / 60;

function draft(): AuditDraft {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    type: 'analysis',
    actor: { id: 'usr_1', username: 'alice', roles: ['analyst'], sessionId: randomUUID() },
    request: {
      id: randomUUID(),
      method: 'POST',
      path: '/api/v1/analyses',
      route: '/api/v1/analyses',
      ip: '10.1.2.***',
      userAgent: 'curl/***',
    },
    outcome: { status: 202, decision: 'allowed' },
    details: { body: { bytes: 18234, sha256: 'a'.repeat(64) }, durationMs: 12.34 },
  };
}

/** One writer as AuditWriter does it: read the head, seal, compare-and-append, re-seal on conflict. */
async function writer(store: AuditStore, chain: AuditChain, count: number): Promise<number> {
  let conflicts = 0;
  for (let written = 0; written < count; written += BATCH) {
    const drafts = Array.from({ length: BATCH }, draft);
    let head = await store.head();
    for (;;) {
      const result = await store.append(chain.seal(drafts, head), head);
      if (result.ok) break;
      conflicts += 1;
      head = result.head;
    }
  }
  return conflicts;
}

export default async function auditBench(): Promise<BenchSection> {
  const rows: BenchSection['rows'] = [];
  const goals: NonNullable<BenchSection['goals']> = [];
  const chain = new AuditChain(DEVELOPMENT_AUDIT_KEY);
  let perEntryBytes = 0;
  for (const writers of [1, 2]) {
    const redis = new RedisService(
      redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: `bench-audit-${randomUUID()}` }),
    );
    const store = new AuditStore(redis);
    try {
      const started = process.hrtime.bigint();
      const conflicts = await Promise.all(
        Array.from({ length: writers }, () => writer(store, chain, ENTRIES / writers)),
      );
      const appendSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const bytes = Number(
        await redis.client.call('MEMORY', 'USAGE', store.streamKey, 'SAMPLES', '0'),
      );
      perEntryBytes = Math.round(bytes / ENTRIES);
      const trail = new AuditTrailService(store, chain, auditConfig.read({}));
      const verifyStarted = process.hrtime.bigint();
      const verified = await trail.verify();
      const verifySeconds = Number(process.hrtime.bigint() - verifyStarted) / 1e9;
      const appendRate = Math.round(ENTRIES / appendSeconds);
      rows.push({
        writers,
        entries: ENTRIES,
        batch: BATCH,
        'append entries/s': appendRate,
        'conflicts (re-sealed batches)': conflicts.reduce((a, b) => a + b, 0),
        'verify entries/s': Math.round(verified.checked / verifySeconds),
        'verify ok': String(verified.ok),
        'Redis bytes/entry': perEntryBytes,
      });
      goals.push({
        name: `append with ${writers} writer(s) keeps up with the peak scenario`,
        target: `≥ ${Math.ceil(PEAK_PER_SECOND)} entries/s`,
        actual: `${appendRate} entries/s`,
        met: appendRate >= PEAK_PER_SECOND && verified.ok,
      });
    } finally {
      await redis.client.del(store.streamKey, store.headKey);
      await redis.onApplicationShutdown();
    }
  }
  for (const [scenario, perMinute] of [
    ['normal', 500],
    ['peak', 5000],
  ] as const) {
    const entries = perMinute * 60 * 24 * 30;
    rows.push({
      writers: `${scenario} (${perMinute} req/min), 30 days`,
      entries,
      'Redis bytes/entry': perEntryBytes,
      'projected stream GiB': Number(((entries * perEntryBytes) / 2 ** 30).toFixed(1)),
    });
  }
  return { title: 'Audit trail (compare-and-append chain in Redis)', rows, goals };
}
