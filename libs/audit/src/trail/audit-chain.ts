import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditDraft, AuditEntry } from './audit-entry';

/** The `prevHash` of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** Where the chain continues: the seq and hash of the last entry appended (or trimmed). */
export interface ChainLink {
  seq: number;
  hash: string;
}

export const CHAIN_START: ChainLink = { seq: 0, hash: GENESIS_HASH };

/** JSON with object keys sorted at every level, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The keyed chain (AL1 tamper evidence): each hash covers the entry's content, its seq and the
 * previous entry's hash, keyed so that whoever can write to Redis cannot forge a valid chain.
 */
export class AuditChain {
  constructor(private readonly key: Buffer) {}

  hashOf(entry: Omit<AuditEntry, 'hash'>): string {
    const { hash: _ignored, ...content } = entry as AuditEntry;
    return createHmac('sha256', this.key).update(canonicalJson(content)).digest('hex');
  }

  /** Seals drafts in order after `head`. */
  seal(drafts: readonly AuditDraft[], head: ChainLink): AuditEntry[] {
    let previous = head;
    return drafts.map((draft) => {
      const unsealed = { ...draft, seq: previous.seq + 1, prevHash: previous.hash };
      const entry: AuditEntry = { ...unsealed, hash: this.hashOf(unsealed) };
      previous = { seq: entry.seq, hash: entry.hash };
      return entry;
    });
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
