/** Receives the occurrences found by a scan, in batches, in order of end. */
export interface HitSink {
  /** Occurrences k < count: pattern `patterns[k]` ends at `ends[k]` (exclusive). */
  hits(patterns: Int32Array, ends: Int32Array, count: number): void;
}

/**
 * Occurrences reported per call: a dense text has an occurrence every few characters, and
 * a call for each would cost more than finding it.
 */
const BATCH = 1024;

const ASCII = 128;
/** States are 16-bit table entries: a policy compiles to a few thousand. */
const MAX_STATES = 0xffff;

/**
 * Aho–Corasick automaton over UTF-16 units, compiled to a deterministic automaton: one table
 * read per character, O(text + matches), no backtracking. The table is kept small enough to
 * stay in the processor's cache: 16-bit states, and ASCII columns only for the characters
 * that occur in patterns (every other character leads back to the start). The other units
 * that occur in patterns (Japanese tokens) have rows only for the states that can continue
 * with them, every other state sharing the row of its failure state.
 */
export class AhoCorasick {
  readonly lengths: Int32Array;
  /** ASCII unit → its column (0: in no pattern). */
  private readonly asciiColumn = new Uint8Array(ASCII);
  /** log2 of the width of a row of ASCII transitions. */
  private readonly asciiShift: number;
  private readonly ascii: Uint16Array;
  /**
   * Non-ASCII unit → its column among the wide units, or -1, in two levels: the unit's high
   * byte picks a block of 256 columns (block 0: none of its units is in a pattern), so an
   * automaton keeps a few blocks, not a table of every UTF-16 unit.
   */
  private readonly wideBlock = new Uint16Array(256);
  private readonly wideColumn: Int16Array;
  private readonly wideCount: number;
  /** State → its row of wide transitions. */
  private readonly wideRowOf: Uint16Array;
  private readonly wideRows: Uint16Array;
  /** States from this number on end at least one pattern. */
  private readonly firstAccepting: number;
  private readonly outStart: Int32Array;
  private readonly outIds: Int32Array;
  /** Where a scan gathers its batch (a scan is not reentrant). */
  private readonly batchPatterns: Int32Array;
  private readonly batchEnds: Int32Array;

  constructor(patterns: readonly string[]) {
    this.lengths = Int32Array.from(patterns, (p) => p.length);
    const trie = new Trie(patterns);
    const { fail, order } = trie.link();
    const states = trie.children.length;
    if (states > MAX_STATES) throw new Error(`${states} automaton states; at most ${MAX_STATES}`);

    let asciiCount = 1;
    const wideColumns = new Map<number, number>();
    for (const pattern of patterns) {
      for (let i = 0; i < pattern.length; i += 1) {
        const unit = pattern.charCodeAt(i);
        if (unit < ASCII) {
          if (this.asciiColumn[unit] === 0) this.asciiColumn[unit] = asciiCount++;
        } else if (!wideColumns.has(unit)) {
          wideColumns.set(unit, wideColumns.size);
        }
      }
    }
    const wideCount = wideColumns.size;
    let blocks = 1;
    for (const unit of wideColumns.keys()) {
      if (this.wideBlock[unit >> 8] === 0) this.wideBlock[unit >> 8] = blocks++;
    }
    this.wideColumn = new Int16Array(blocks << 8).fill(-1);
    for (const [unit, column] of wideColumns) {
      this.wideColumn[(this.wideBlock[unit >> 8] << 8) | (unit & 0xff)] = column;
    }
    if (wideCount > 0x7fff) throw new Error('too many distinct characters in patterns');
    this.wideCount = wideCount;
    // Rows of a power-of-two width: the next row is found by a shift, not a multiplication,
    // on the one chain of dependent reads the scan runs per character.
    let shift = 0;
    while (1 << shift < asciiCount) shift += 1;
    this.asciiShift = shift;

    const outputs = trie.outputs;
    for (const state of order) {
      if (state !== 0) outputs[state] = [...outputs[state], ...outputs[fail[state]]];
    }
    // States that end a pattern are numbered last, so the scan tells them by a comparison
    // instead of another table read per character.
    const id = new Int32Array(states);
    const accepting = order.filter((state) => outputs[state].length > 0);
    const quiet = order.filter((state) => outputs[state].length === 0);
    [...quiet, ...accepting].forEach((state, index) => {
      id[state] = index;
    });
    this.firstAccepting = quiet.length;

    // A row starts as its failure state's row (the start state's is all zero), then takes the
    // state's own children: breadth-first, the failure state's row is complete by then.
    this.ascii = new Uint16Array(states << shift);
    const width = 1 << shift;
    for (const state of order) {
      const row = id[state] << shift;
      if (state !== 0) {
        const inherited = id[fail[state]] << shift;
        this.ascii.copyWithin(row, inherited, inherited + width);
      }
      for (const [unit, child] of trie.children[state]) {
        if (unit < ASCII) this.ascii[row + this.asciiColumn[unit]] = id[child];
      }
    }

    this.wideRowOf = new Uint16Array(states);
    const ownWide = (state: number): number[] => {
      const wide: number[] = [];
      for (const unit of trie.children[state].keys()) if (unit >= ASCII) wide.push(unit);
      return wide;
    };
    // The start state and every state with wide children of its own have a row.
    let rowCount = 0;
    for (const state of order) if (state === 0 || ownWide(state).length > 0) rowCount += 1;
    const rows = new Uint16Array(rowCount * wideCount);
    let row = 0;
    for (const state of order) {
      const own = ownWide(state);
      if (state !== 0 && own.length === 0) {
        this.wideRowOf[id[state]] = this.wideRowOf[id[fail[state]]];
        continue;
      }
      // A row starts as its failure state's row (the start state's is all zero).
      if (state !== 0) {
        const inherited = this.wideRowOf[id[fail[state]]] * wideCount;
        rows.copyWithin(row * wideCount, inherited, inherited + wideCount);
      }
      for (const unit of own) {
        rows[row * wideCount + (wideColumns.get(unit) as number)] =
          id[trie.children[state].get(unit) as number];
      }
      this.wideRowOf[id[state]] = row;
      row += 1;
    }
    this.wideRows = rows;

    this.outStart = new Int32Array(states + 1);
    const ids: number[] = [];
    const byId = new Int32Array(states);
    for (let state = 0; state < states; state += 1) byId[id[state]] = state;
    for (let k = 0; k < states; k += 1) {
      this.outStart[k] = ids.length;
      ids.push(...outputs[byId[k]]);
    }
    this.outStart[states] = ids.length;
    this.outIds = Int32Array.from(ids);
    // Room for a full batch plus the most occurrences one character can end.
    const most = outputs.reduce((max, out) => Math.max(max, out.length), 0);
    this.batchPatterns = new Int32Array(BATCH + most);
    this.batchEnds = new Int32Array(BATCH + most);
  }

  get stateCount(): number {
    return this.wideRowOf.length;
  }

  /** Reports every occurrence in `units[0, length)`, in order of end. */
  scan(units: Uint16Array, length: number, sink: HitSink): void {
    this.scanRange(units, 0, length, 0, sink);
  }

  /**
   * Reports the occurrences that lie in `units[from, to)` and end after `reportAfter` (an
   * occurrence that ends at or before it was reported by an earlier range).
   */
  scanRange(
    units: Uint16Array,
    from: number,
    to: number,
    reportAfter: number,
    sink: HitSink,
  ): void {
    const { ascii, asciiColumn, asciiShift, wideBlock, wideColumn, wideRowOf, wideRows } = this;
    const { wideCount } = this;
    const { firstAccepting, outStart, outIds, batchPatterns, batchEnds } = this;
    let state = 0;
    let count = 0;
    for (let i = from; i < to; i += 1) {
      const unit = units[i];
      if (unit < ASCII) {
        state = ascii[(state << asciiShift) + asciiColumn[unit]];
      } else {
        const column = wideColumn[(wideBlock[unit >> 8] << 8) | (unit & 0xff)];
        state = column < 0 ? 0 : wideRows[wideRowOf[state] * wideCount + column];
      }
      if (state < firstAccepting || i < reportAfter) continue;
      for (let k = outStart[state]; k < outStart[state + 1]; k += 1) {
        batchPatterns[count] = outIds[k];
        batchEnds[count] = i + 1;
        count += 1;
      }
      if (count >= BATCH) {
        sink.hits(batchPatterns, batchEnds, count);
        count = 0;
      }
    }
    if (count > 0) sink.hits(batchPatterns, batchEnds, count);
  }
}

/** The keyword trie, with breadth-first failure links. */
class Trie {
  readonly children: Map<number, number>[] = [new Map()];
  readonly outputs: number[][] = [[]];

  constructor(patterns: readonly string[]) {
    patterns.forEach((pattern, id) => {
      if (pattern.length === 0) throw new Error('empty pattern');
      let state = 0;
      for (let i = 0; i < pattern.length; i += 1) {
        const unit = pattern.charCodeAt(i);
        let next = this.children[state].get(unit);
        if (next === undefined) {
          next = this.children.length;
          this.children.push(new Map());
          this.outputs.push([]);
          this.children[state].set(unit, next);
        }
        state = next;
      }
      this.outputs[state].push(id);
    });
  }

  /** Failure links and the breadth-first order (every state after its failure state). */
  link(): { fail: Int32Array; order: number[] } {
    const fail = new Int32Array(this.children.length);
    const order = [0];
    for (let head = 0; head < order.length; head += 1) {
      const state = order[head];
      for (const [unit, child] of this.children[state]) {
        let f = state === 0 ? -1 : fail[state];
        while (f >= 0 && !this.children[f].has(unit)) f = f === 0 ? -1 : fail[f];
        fail[child] = f < 0 ? 0 : (this.children[f].get(unit) as number);
        order.push(child);
      }
    }
    return { fail, order };
  }
}
