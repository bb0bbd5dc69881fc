import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ValidationFailedError } from '@techsapo/core';
import { auditConfig } from '../config/audit.config';
import type { CheckpointCheck } from '../checkpoints/audit-checkpoint';
import { CheckpointFile } from '../checkpoints/checkpoint-file';
import { AuditChain, ChainLink, CHAIN_START } from './audit-chain';
import type { AuditEntry, AuditEntryType } from './audit-entry';
import { AuditStore, StoredEntry } from './audit-store';

export const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;
/** A list request reads at most this many entries before it answers with a cursor. */
const MAX_SCANNED = 10_000;
const STREAM_ID = /^\d{1,15}-\d{1,20}$/;

export interface AuditQuery {
  since?: Date;
  until?: Date;
  type?: AuditEntryType;
  actorId?: string;
  limit?: number;
  cursor?: string;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenSeq?: number;
  /** The seq the kept chain starts after, when retention removed older entries. */
  anchoredAt?: number;
  /**
   * Set when entries a checkpoint saw are gone (the stream truncated, or wiped and begun
   * again): `firstBrokenSeq` is then the first missing seq.
   */
  truncated?: boolean;
  /** The latest checkpoint outside Redis that the chain was compared with. */
  checkpoint?: CheckpointCheck;
}

/** Reading the audit trail: filtered pages, the chain verification, and exports. */
@Injectable()
export class AuditTrailService {
  constructor(
    private readonly store: AuditStore,
    private readonly chain: AuditChain,
    @Inject(auditConfig.factory.KEY)
    private readonly config: ConfigType<typeof auditConfig.factory>,
    @Optional() private readonly checkpoints?: CheckpointFile,
  ) {}

  /** Newest first. The cursor is the position of the last entry seen, opaque to clients. */
  async list(query: AuditQuery): Promise<AuditPage> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const [start, bound] = this.bounds(query);
    let end = query.cursor ? `(${decodeCursor(query.cursor)}` : bound;
    const items: AuditEntry[] = [];
    let scanned = 0;
    for (;;) {
      const page = await this.store.reverseRange(end, start, MAX_PAGE);
      for (const stored of page) {
        scanned += 1;
        if (this.matches(stored, query)) items.push(stored.entry);
        if (items.length === limit || scanned >= MAX_SCANNED)
          return { items, nextCursor: encodeCursor(stored.streamId) };
      }
      if (page.length < MAX_PAGE) return { items, nextCursor: null };
      end = `(${page[page.length - 1].streamId}`;
    }
  }

  /** Oldest first, for NDJSON exports and reports. */
  async *entries(since?: Date, until?: Date): AsyncGenerator<AuditEntry> {
    const [start, end] = this.bounds({ since, until });
    for await (const stored of this.store.scan(start, end)) {
      if (this.matches(stored, { since, until })) yield stored.entry;
    }
  }

  /**
   * Walks the chain from its anchor (or the genesis) to the head and names the first seq that
   * is missing, out of order, altered, or not linked to its predecessor; then compares it with
   * the latest checkpoint kept outside Redis, so a stream truncated or wiped (head and anchor
   * included) is reported with its first missing seq. A failure is checked a second time, so
   * an append or a retention run during the walk is not taken for tampering.
   */
  async verify(): Promise<VerifyResult> {
    const first = await this.verifyOnce();
    return first.ok ? first : this.verifyOnce();
  }

  private async verifyOnce(): Promise<VerifyResult> {
    const checkpoint = await this.checkpoints?.highest();
    const check: CheckpointCheck | undefined = checkpoint && {
      seq: checkpoint.seq,
      hash: checkpoint.hash,
      time: checkpoint.time,
      authentic: this.chain.signCheckpoint(checkpoint) === checkpoint.sig,
    };
    const result =
      checkpoint && check?.authentic && checkpoint.epoch !== (await this.store.epoch())
        ? // The chain in Redis was begun again: everything the checkpoint saw is gone.
          {
            ok: false,
            checked: 0,
            firstBrokenSeq: (checkpoint.anchoredAt ?? 0) + 1,
            truncated: true,
          }
        : await this.walk(check);
    return check ? { ...result, checkpoint: check } : result;
  }

  private async walk(checkpoint: CheckpointCheck | undefined): Promise<VerifyResult> {
    const anchor = await this.store.anchor();
    const head = await this.store.head();
    let expected: ChainLink = anchor ? { seq: anchor.seq, hash: anchor.hash } : CHAIN_START;
    const anchoredAt = anchor?.seq;
    let checked = 0;
    const broken = (seq: number): VerifyResult => ({
      ok: false,
      checked,
      firstBrokenSeq: seq,
      anchoredAt,
    });
    if (anchor && this.chain.signLink(anchor) !== anchor.sig) return broken(anchor.seq + 1);
    if (checkpoint && !checkpoint.authentic) return { ok: false, checked, anchoredAt };
    for await (const { entry, unreadable } of this.store.scan()) {
      checked += 1;
      if (unreadable || entry.seq !== expected.seq + 1) return broken(expected.seq + 1);
      if (entry.prevHash !== expected.hash || !this.chain.isAuthentic(entry))
        return broken(entry.seq);
      if (checkpoint && entry.seq === checkpoint.seq && entry.hash !== checkpoint.hash)
        return broken(entry.seq);
      expected = { seq: entry.seq, hash: entry.hash };
    }
    // Entries removed from the end leave the head pointing past the last one.
    if (head.seq > expected.seq) return broken(expected.seq + 1);
    // ...and a checkpoint past the last one, when the head went with them.
    if (checkpoint && checkpoint.seq > expected.seq)
      return { ...broken(expected.seq + 1), truncated: true };
    return { ok: true, checked, anchoredAt };
  }

  /**
   * Stream ids are the write time, never earlier than the entry's timestamp: `since` bounds
   * the range exactly, `until` with a margin for entries still queued when it passed.
   */
  private bounds(query: Pick<AuditQuery, 'since' | 'until'>): [string, string] {
    const margin = this.config.writeRetryMs + 60_000;
    return [
      query.since ? String(query.since.getTime()) : '-',
      query.until ? String(query.until.getTime() + margin) : '+',
    ];
  }

  private matches({ entry, unreadable }: StoredEntry, query: AuditQuery): boolean {
    if (unreadable) return false;
    const at = Date.parse(entry.timestamp);
    return (
      (!query.since || at >= query.since.getTime()) &&
      (!query.until || at <= query.until.getTime()) &&
      (!query.type || entry.type === query.type) &&
      (!query.actorId || entry.actor?.id === query.actorId)
    );
  }
}

function encodeCursor(streamId: string): string {
  return Buffer.from(streamId).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!STREAM_ID.test(id))
    throw new ValidationFailedError([
      { field: 'cursor', message: 'is not a cursor from this list' },
    ]);
  return id;
}
