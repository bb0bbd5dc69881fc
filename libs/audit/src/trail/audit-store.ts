import type { RedisConnection, RedisService } from '@techsapo/core';
import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, ChainLink, CHAIN_START, type SealedEntry } from './audit-chain';
import type { AuditEntry } from './audit-entry';

/**
 * Compare-and-append: the batch is appended only if the chain head is still the one its hashes
 * were computed from; otherwise nothing is written and the current head is returned, so the
 * writer re-seals and tries again. One script, one slot: atomic on a single node and a cluster.
 * The head also keeps the chain's epoch, a random id set by the first append it sees: a chain
 * begun again after Redis was emptied has another epoch than the checkpoints of the old one.
 */
const APPEND = `
local head = redis.call('HMGET', KEYS[2], 'seq', 'hash')
local seq = head[1] or '0'
local hash = head[2] or ARGV[3]
if seq ~= ARGV[1] or hash ~= ARGV[2] then return {0, seq, hash} end
local ids = {}
for i = 7, #ARGV do ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'e', ARGV[i]) end
redis.call('HSET', KEYS[2], 'seq', ARGV[4], 'hash', ARGV[5])
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[6])
return {1, ids[1], ids[#ids]}
`;

/**
 * Retention: records the last removed entry as the signed anchor of the chain, then removes it
 * and everything older, in one step; the anchor only ever moves forward.
 */
const TRIM = `
local current = redis.call('HGET', KEYS[2], 'seq')
if current and tonumber(current) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], 'seq', ARGV[2], 'hash', ARGV[3], 'sig', ARGV[4])
redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
return 1
`;

export interface StoredEntry {
  /** The stream id, `<ms>-<n>`: the order of the chain and the position cursors point at. */
  streamId: string;
  entry: AuditEntry;
  /** Set when the stored value is not an entry at all (tampering). */
  unreadable?: boolean;
}

export interface Anchor extends ChainLink {
  sig: string;
}

type AppendResult = [0, string, string] | [1, string, string];
interface AuditCommands {
  auditAppend(stream: string, head: string, ...args: (string | number)[]): Promise<AppendResult>;
  auditTrim(stream: string, anchor: string, ...args: (string | number)[]): Promise<number>;
}
type Raw = [string, string[]][];

/** The audit stream in Redis: append-only writes, ordered reads, the chain head and anchor. */
export class AuditStore {
  readonly streamKey: string;
  readonly headKey: string;
  readonly anchorKey: string;
  constructor(private readonly redis: RedisService) {
    const tag = redis.hashTag('audit');
    this.streamKey = redis.key(tag, 'stream');
    this.headKey = redis.key(tag, 'head');
    this.anchorKey = redis.key(tag, 'anchor');
    redis.defineCommand('auditAppend', { numberOfKeys: 2, lua: APPEND });
    redis.defineCommand('auditTrim', { numberOfKeys: 2, lua: TRIM });
  }

  private get client(): RedisConnection & AuditCommands {
    return this.redis.client as RedisConnection & AuditCommands;
  }

  async head(): Promise<ChainLink> {
    const [seq, hash] = await this.client.hmget(this.headKey, 'seq', 'hash');
    return seq && hash ? { seq: Number(seq), hash } : CHAIN_START;
  }

  /** Appends sealed entries if `after` is still the head; else returns the head to re-seal on. */
  async append(
    entries: readonly SealedEntry[],
    after: ChainLink,
  ): Promise<{ ok: true; lastId: string } | { ok: false; head: ChainLink }> {
    const last = entries[entries.length - 1].entry;
    const result = await this.client.auditAppend(
      this.streamKey,
      this.headKey,
      String(after.seq),
      after.hash,
      GENESIS_HASH,
      String(last.seq),
      last.hash,
      randomUUID(),
      ...entries.map((e) => e.text),
    );
    if (Number(result[0]) === 1) return { ok: true, lastId: String(result[2]) };
    return { ok: false, head: { seq: Number(result[1]), hash: String(result[2]) } };
  }

  /** The epoch of the chain in Redis (undefined before its first append). */
  async epoch(): Promise<string | undefined> {
    return (await this.client.hget(this.headKey, 'epoch')) ?? undefined;
  }

  async anchor(): Promise<Anchor | undefined> {
    const [seq, hash, sig] = await this.client.hmget(this.anchorKey, 'seq', 'hash', 'sig');
    return seq && hash && sig ? { seq: Number(seq), hash, sig } : undefined;
  }

  /** Oldest first, from `start` (inclusive, `-` or an id; `(id` exclusive) to `end`. */
  async range(start: string, end: string, count: number): Promise<StoredEntry[]> {
    return parse((await this.client.xrange(this.streamKey, start, end, 'COUNT', count)) as Raw);
  }

  /** Newest first, from `end` down to `start`. */
  async reverseRange(end: string, start: string, count: number): Promise<StoredEntry[]> {
    return parse((await this.client.xrevrange(this.streamKey, end, start, 'COUNT', count)) as Raw);
  }

  /** Every entry oldest first, in pages, from `start` to `end`. */
  async *scan(start = '-', end = '+', page = 500): AsyncGenerator<StoredEntry> {
    let from = start;
    for (;;) {
      const batch = await this.range(from, end, page);
      yield* batch;
      if (batch.length < page) return;
      from = `(${batch[batch.length - 1].streamId}`;
    }
  }

  async length(): Promise<number> {
    return this.client.xlen(this.streamKey);
  }

  /** The newest entry written before `beforeMs`, the last one retention removes. */
  async lastBefore(beforeMs: number): Promise<StoredEntry | undefined> {
    if (beforeMs <= 0) return undefined;
    return (await this.reverseRange(String(beforeMs - 1), '-', 1))[0];
  }

  /** Removes `last` and everything older, anchoring the chain at `last`. */
  async trimThrough(last: StoredEntry, sig: string): Promise<boolean> {
    const done = await this.client.auditTrim(
      this.streamKey,
      this.anchorKey,
      last.streamId,
      String(last.entry.seq),
      last.entry.hash,
      sig,
    );
    return Number(done) === 1;
  }
}

function parse(raw: Raw): StoredEntry[] {
  return raw.map(([streamId, fields]) => {
    const at = fields.indexOf('e');
    const value = at >= 0 ? fields[at + 1] : undefined;
    try {
      const entry = JSON.parse(value ?? '') as AuditEntry;
      if (entry && typeof entry === 'object') return { streamId, entry };
    } catch {
      // fall through: an unreadable value is evidence of tampering, reported by verify
    }
    return { streamId, entry: {} as AuditEntry, unreadable: true };
  });
}
