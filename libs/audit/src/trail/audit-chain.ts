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

/** An entry sealed into the chain and the text it is stored as. */
export interface SealedEntry {
  entry: AuditEntry;
  /** The entry's canonical JSON with its hash added: the bytes hashed are written once. */
  text: string;
}

/**
 * JSON with object keys sorted at every level (by UTF-16 code units), properties whose value is
 * undefined left out, so the same entry always hashes the same. Built as one string in place:
 * it runs for every audit entry.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      // A hole stays empty, as Array.prototype.join writes it.
      if (i in value) out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of sortedKeys(record)) {
    const child = record[key];
    if (child === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(child)}`;
  }
  return `${out}}`;
}

/**
 * The object's keys in the order of `Array.prototype.sort()` (UTF-16 code units), sorted in place
 * by insertion: an entry's objects have a handful of keys, and `sort()` copies the array into a
 * work area of its own on every call.
 */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
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
   * place in the chain, then the hash of what came before it (the same bytes as `hashOf`).
   */
  seal(drafts: readonly AuditDraft[], head: ChainLink): AuditEntry[] {
    return this.sealForStorage(drafts, head).map((sealed) => sealed.entry);
  }

  /**
   * `seal`, with each entry's stored text: its canonical JSON (already built for the hash) with
   * the hash as a last field, so the entry is not serialised a second time to be written.
   */
  sealForStorage(drafts: readonly AuditDraft[], head: ChainLink): SealedEntry[] {
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
