import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '@techsapo/core';
import type { AuditDraft, AuditEntry } from './audit-entry';

/** The `prevHash` of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** Where the chain continues: the seq and hash of the last entry appended (or trimmed). */
export interface ChainLink {
  seq: number;
  hash: string;
}

export const CHAIN_START: ChainLink = { seq: 0, hash: GENESIS_HASH };

/** An entry sealed into the chain and the text it is stored as. */
export interface SealedEntry {
  entry: AuditEntry;
  /** The entry's canonical JSON with its hash added: the bytes hashed are written once. */
  text: string;
}

/**
 * The keyed chain (AL1 tamper evidence): each hash covers the entry's content, its seq and the
 * previous entry's hash, keyed so that whoever can write to Redis cannot forge a valid chain.
 */
export class AuditChain {
  constructor(private readonly key: Buffer) {}

  hashOf(entry: Omit<AuditEntry, 'hash'>): string {
    const { hash: _ignored, ...content } = entry as AuditEntry;
    return this.hashOfContent(content);
  }

  /**
   * Seals drafts in order after `head`. Each entry is one new object: the draft's fields, its
   * place in the chain, then the hash of what came before it (the same bytes as `hashOf`); with
   * it, its stored text: its canonical JSON (already built for the hash) with the hash as a
   * last field, so the entry is not serialised a second time to be written.
   */
  seal(drafts: readonly AuditDraft[], head: ChainLink): SealedEntry[] {
    let previous = head;
    return drafts.map((draft) => {
      const entry = { ...draft, seq: previous.seq + 1, prevHash: previous.hash } as AuditEntry;
      const content = canonicalJson(entry);
      entry.hash = this.hmacOf(content);
      previous = { seq: entry.seq, hash: entry.hash };
      return { entry, text: `${content.slice(0, -1)},"hash":"${entry.hash}"}` };
    });
  }

  private hashOfContent(content: Omit<AuditEntry, 'hash'>): string {
    return this.hmacOf(canonicalJson(content));
  }

  private hmacOf(canonical: string): string {
    return createHmac('sha256', this.key).update(canonical).digest('hex');
  }

  isAuthentic(entry: AuditEntry): boolean {
    if (typeof entry.hash !== 'string' || !/^[0-9a-f]{64}$/.test(entry.hash)) return false;
    return timingSafeEqual(Buffer.from(this.hashOf(entry), 'hex'), Buffer.from(entry.hash, 'hex'));
  }

  /** A signature over a checkpoint of the head, kept outside Redis. */
  signCheckpoint(
    checkpoint: ChainLink & { time: string; epoch: string; anchoredAt?: number },
  ): string {
    const { seq, hash, time, epoch, anchoredAt } = checkpoint;
    return createHmac('sha256', this.key)
      .update(`checkpoint:${seq}:${hash}:${time}:${epoch}:${anchoredAt ?? ''}`)
      .digest('hex');
  }

  /** A signature over a stored link (the retention anchor), so it cannot be moved unnoticed. */
  signLink(link: ChainLink): string {
    return createHmac('sha256', this.key).update(`link:${link.seq}:${link.hash}`).digest('hex');
  }
}

/** The development HMAC key: public, stable across restarts and instances. */
export const DEVELOPMENT_AUDIT_KEY = createHash('sha256')
  .update('techsapo:development-audit-hmac-key')
  .digest();
