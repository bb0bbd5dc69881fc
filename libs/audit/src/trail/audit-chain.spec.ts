import { canonicalJson } from '@techsapo/core';
import { AuditChain, CHAIN_START, GENESIS_HASH } from './audit-chain';
import type { AuditDraft } from './audit-entry';

const draft = (n: number): AuditDraft => ({
  id: `id-${n}`,
  timestamp: '2026-01-01T00:00:00.000Z',
  type: 'http',
  actor: { id: 'usr_1', roles: ['admin'] },
  request: { id: `r${n}`, method: 'GET', path: `/x/${n}`, ip: '10.0.0.***', userAgent: 'curl/***' },
  outcome: { status: 200, decision: 'allowed' },
  details: { b: 1, a: { d: [1, 'x'], c: null } },
});

describe('AuditChain', () => {
  const chain = new AuditChain(Buffer.from('k'.repeat(32)));
  const entries = (drafts: AuditDraft[]) => chain.seal(drafts, CHAIN_START).map((s) => s.entry);

  it('links each sealed entry to the one before and authenticates it', () => {
    const [one, two] = entries([draft(1), draft(2)]);
    expect(one).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(two).toMatchObject({ seq: 2, prevHash: one.hash });
    expect(chain.isAuthentic(one) && chain.isAuthentic(two)).toBe(true);
    // The hash survives a JSON round trip with another key order.
    expect(chain.isAuthentic(JSON.parse(canonicalJson(two)))).toBe(true);
  });

  it('seals the same bytes as the entries already in the chain', () => {
    const sealed = entries([draft(1), draft(2)]);
    expect(sealed.map((e) => e.hash)).toEqual([
      '2b8197160c54f6bf6ba29311c29d6272ca1982c841c5d0931d51ed244e0cde59',
      '53be9ca56b16dcb2fe25ec063df5e9ad95c3c858f2dada5168caa0591f4f5add',
    ]);
    expect(Object.keys(sealed[1])).toEqual([...Object.keys(draft(2)), 'seq', 'prevHash', 'hash']);
  });

  it('stores each entry as the bytes it hashed with its hash added: read back, it is the entry', () => {
    const sealed = chain.seal([draft(1), draft(2)], CHAIN_START);
    for (const { entry, text } of sealed) {
      const { hash, ...content } = entry;
      expect(text).toBe(`${canonicalJson(content).slice(0, -1)},"hash":"${hash}"}`);
      expect(JSON.parse(text)).toEqual(entry);
      expect(chain.isAuthentic(JSON.parse(text))).toBe(true);
    }
  });

  it('rejects any change, a forged hash and another key', () => {
    const [entry] = entries([draft(1)]);
    expect(chain.isAuthentic({ ...entry, outcome: { ...entry.outcome, status: 201 } })).toBe(false);
    expect(chain.isAuthentic({ ...entry, seq: 2 })).toBe(false);
    expect(chain.isAuthentic({ ...entry, hash: 'f'.repeat(64) })).toBe(false);
    expect(chain.isAuthentic({ ...entry, hash: 'not hex' })).toBe(false);
    expect(new AuditChain(Buffer.from('o'.repeat(32))).isAuthentic(entry)).toBe(false);
  });

  it('signs links so an anchor cannot be moved', () => {
    const sig = chain.signLink({ seq: 5, hash: 'a'.repeat(64) });
    expect(chain.signLink({ seq: 6, hash: 'a'.repeat(64) })).not.toBe(sig);
    expect(chain.signLink({ seq: 5, hash: 'a'.repeat(64) })).toBe(sig);
  });
});
