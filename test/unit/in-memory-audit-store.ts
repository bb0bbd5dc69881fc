import type { Anchor, AuditEntry, AuditStore, ChainLink, StoredEntry } from '@techsapo/audit';
import type { Fake } from './in-memory-stores';

/** The reading side of the audit stream (what AuditTrailService uses) and retention's trim. */
type AuditReadsAndTrim = Pick<
  AuditStore,
  'head' | 'epoch' | 'anchor' | 'reverseRange' | 'scan' | 'length' | 'lastBefore' | 'trimThrough'
>;

const GENESIS: ChainLink = { seq: 0, hash: '0'.repeat(64) };

/** A stream id `<ms>-<n>` as a pair that sorts as Redis sorts them. */
const idOf = (streamId: string): [number, number] => {
  const [ms, n] = streamId.split('-').map(Number);
  return [ms, n ?? 0];
};
const compare = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];

/** Whether `id` is within a Redis range bound (`-`, `+`, `ms`, `ms-n`, or `(` exclusive). */
function within(id: string, bound: string, side: 'start' | 'end'): boolean {
  if (bound === '-' || bound === '+') return true;
  const exclusive = bound.startsWith('(');
  const raw = exclusive ? bound.slice(1) : bound;
  const limit: [number, number] = raw.includes('-')
    ? idOf(raw)
    : [Number(raw), side === 'start' ? 0 : Number.MAX_SAFE_INTEGER];
  const order = compare(idOf(id), limit);
  if (side === 'start') return exclusive ? order > 0 : order >= 0;
  return exclusive ? order < 0 : order <= 0;
}

/**
 * The audit stream in memory: entries in stream order, the head, the anchor and the epoch,
 * each open for a test to arrange (or tamper with) directly.
 */
export class InMemoryAuditStore implements Fake<AuditReadsAndTrim> {
  readonly stream: StoredEntry[] = [];
  headLink: ChainLink = GENESIS;
  anchorLink: Anchor | undefined;
  epochId: string | undefined = 'epoch-1';

  /** Appends sealed entries written at `atMs` and moves the head to the last one. */
  write(entries: readonly AuditEntry[], atMs: number): void {
    for (const entry of entries) {
      const sameMs = this.stream.filter((s) => idOf(s.streamId)[0] === atMs).length;
      this.stream.push({ streamId: `${atMs}-${sameMs}`, entry: structuredClone(entry) });
      this.headLink = { seq: entry.seq, hash: entry.hash };
    }
  }

  async head(): Promise<ChainLink> {
    return this.headLink;
  }

  async epoch(): Promise<string | undefined> {
    return this.epochId;
  }

  async anchor(): Promise<Anchor | undefined> {
    return this.anchorLink;
  }

  async reverseRange(end: string, start: string, count: number): Promise<StoredEntry[]> {
    return this.between(start, end).reverse().slice(0, count);
  }

  async *scan(start = '-', end = '+'): AsyncGenerator<StoredEntry> {
    yield* this.between(start, end);
  }

  async length(): Promise<number> {
    return this.stream.length;
  }

  async lastBefore(beforeMs: number): Promise<StoredEntry | undefined> {
    const older = this.stream.filter((s) => idOf(s.streamId)[0] < beforeMs);
    return older.length > 0 ? structuredClone(older[older.length - 1]) : undefined;
  }

  /** Removes `last` and everything older, anchoring the chain at `last` with `sig`. */
  async trimThrough(last: StoredEntry, sig: string): Promise<boolean> {
    const through = this.stream.findIndex((s) => s.streamId === last.streamId);
    if (through < 0) return false;
    this.stream.splice(0, through + 1);
    this.anchorLink = { seq: last.entry.seq, hash: last.entry.hash, sig };
    return true;
  }

  private between(start: string, end: string): StoredEntry[] {
    return this.stream
      .filter((s) => within(s.streamId, start, 'start') && within(s.streamId, end, 'end'))
      .map((s) => structuredClone(s));
  }
}
