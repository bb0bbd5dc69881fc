import { InMemoryAuditStore } from '@techsapo/testing';
import type { CheckpointFile } from '../checkpoints/checkpoint-file';
import type { AuditCheckpoint } from '../checkpoints/audit-checkpoint';
import { auditConfig } from '../config/audit.config';
import { AuditChain, CHAIN_START } from './audit-chain';
import type { AuditDraft, AuditEntry } from './audit-entry';
import type { AuditStore } from './audit-store';
import { AuditTrailService } from './audit-trail.service';

const chain = new AuditChain(Buffer.from('k'.repeat(32)));
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

const draft = (n: number): AuditDraft => ({
  id: `id-${n}`,
  timestamp: new Date(T0 + n * 1000).toISOString(),
  type: 'http',
  actor: { id: n % 2 === 0 ? 'usr_even' : 'usr_odd', roles: ['analyst'] },
  request: { id: `r${n}`, method: 'GET', path: `/x/${n}`, ip: '10.0.0.***', userAgent: 'curl/***' },
  outcome: { status: 200, decision: 'allowed' },
  details: { n },
});

/** `count` entries sealed into one chain, each written at its own timestamp. */
function setup(count: number, checkpoint?: AuditCheckpoint) {
  const store = new InMemoryAuditStore();
  const entries = chain
    .seal(
      Array.from({ length: count }, (_, i) => draft(i + 1)),
      CHAIN_START,
    )
    .map((s) => s.entry);
  for (const entry of entries) store.write([entry], Date.parse(entry.timestamp));
  const checkpoints = checkpoint
    ? ({ highest: async () => checkpoint } as unknown as CheckpointFile)
    : undefined;
  const service = new AuditTrailService(
    store as unknown as AuditStore,
    chain,
    auditConfig.read({}),
    checkpoints,
  );
  return { service, store, entries };
}

const seqs = (items: AuditEntry[]): number[] => items.map((e) => e.seq);

describe('AuditTrailService: reading', () => {
  it('lists newest first, pages by cursor to the end, and filters by type and actor', async () => {
    const { service } = setup(7);
    const first = await service.list({ limit: 3 });
    expect(seqs(first.items)).toEqual([7, 6, 5]);
    const second = await service.list({ limit: 3, cursor: first.nextCursor! });
    expect(seqs(second.items)).toEqual([4, 3, 2]);
    const last = await service.list({ limit: 3, cursor: second.nextCursor! });
    expect(seqs(last.items)).toEqual([1]);
    expect(last.nextCursor).toBeNull();
    expect(seqs((await service.list({ actorId: 'usr_even' })).items)).toEqual([6, 4, 2]);
    expect((await service.list({ type: 'security' })).items).toEqual([]);
  });

  it('bounds a list by time and clamps the page size', async () => {
    const { service } = setup(5);
    const page = await service.list({
      since: new Date(T0 + 2000),
      until: new Date(T0 + 4000),
      limit: 0,
    });
    expect(seqs(page.items)).toEqual([4]);
    expect(page.nextCursor).not.toBeNull();
    const all = await service.list({ since: new Date(T0 + 2000), until: new Date(T0 + 4000) });
    expect(seqs(all.items)).toEqual([4, 3, 2]);
  });

  it('refuses a cursor it did not hand out (400 naming cursor)', async () => {
    const { service } = setup(1);
    await expect(service.list({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      status: 400,
      code: 'validation-failed',
      options: { errors: [{ field: 'cursor', message: 'is not a cursor from this list' }] },
    });
  });

  it('exports oldest first within the asked period', async () => {
    const { service } = setup(4);
    const exported: AuditEntry[] = [];
    for await (const entry of service.entries(new Date(T0 + 2000))) exported.push(entry);
    expect(seqs(exported)).toEqual([2, 3, 4]);
  });
});

describe('AuditTrailService: verification', () => {
  it('accepts an intact chain, counting its entries', async () => {
    await expect(setup(4).service.verify()).resolves.toEqual({ ok: true, checked: 4 });
  });

  it('names the first altered entry', async () => {
    const { service, store } = setup(4);
    store.stream[2].entry.outcome.status = 500;
    await expect(service.verify()).resolves.toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('names the first missing entry, in the middle or at the end', async () => {
    const middle = setup(4);
    middle.store.stream.splice(1, 1);
    await expect(middle.service.verify()).resolves.toMatchObject({
      ok: false,
      firstBrokenSeq: 2,
    });
    const end = setup(4);
    end.store.stream.pop();
    await expect(end.service.verify()).resolves.toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('reports a chain begun again since the last checkpoint as truncated', async () => {
    const entries = setup(3).entries;
    const seen = { seq: entries[2].seq, hash: entries[2].hash };
    const checkpoint = {
      ...seen,
      time: new Date(T0 + 5000).toISOString(),
      epoch: 'epoch-0',
      instance: 'api-1',
    };
    const signed = { ...checkpoint, sig: chain.signCheckpoint(checkpoint) };
    const { service } = setup(3, signed);
    await expect(service.verify()).resolves.toMatchObject({
      ok: false,
      truncated: true,
      firstBrokenSeq: 1,
      checkpoint: { seq: 3, authentic: true },
    });
  });

  it('compares the chain with an authentic checkpoint of the same epoch', async () => {
    const entries = setup(3).entries;
    const checkpoint = {
      seq: entries[1].seq,
      hash: entries[1].hash,
      time: new Date(T0 + 5000).toISOString(),
      epoch: 'epoch-1',
      instance: 'api-1',
    };
    const { service } = setup(3, { ...checkpoint, sig: chain.signCheckpoint(checkpoint) });
    await expect(service.verify()).resolves.toMatchObject({
      ok: true,
      checked: 3,
      checkpoint: { seq: 2, authentic: true },
    });
    const forged = setup(3, { ...checkpoint, sig: 'f'.repeat(64) });
    await expect(forged.service.verify()).resolves.toMatchObject({
      ok: false,
      checkpoint: { authentic: false },
    });
  });
});
