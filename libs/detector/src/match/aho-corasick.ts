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
/** Entries of the start-unit table (4 KB): every ASCII unit has one of its own. */
const START_KINDS = 1 << 12;
const BEGINS = 1;
const WHOLE = 2;
/** Bits of the start-pair filter (2 KB): every pair of ASCII units has a bit of its own. */
const PAIR_BITS = 1 << 14;

/** The filter bit of two consecutive units. */
const pairBit = (first: number, second: number): number =>
  ((first << 7) ^ second) & (PAIR_BITS - 1);
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
  /**
   * What lets the scan of a range (a search) pass over units at the start state without a
   * transition each: per unit's low 12 bits, whether it begins a pattern (BEGINS) or is one
   * alone (WHOLE), and a bit per hash of the first two units of every longer pattern (see
   * pairBit). Hashes collide only into more transitions, never fewer.
   */
  private readonly startKinds = new Uint8Array(START_KINDS);
  private readonly startPairs = new Uint8Array(PAIR_BITS >> 3);
  /** The width of a row of ASCII transitions: one column per ASCII unit in patterns, and 0. */
  private readonly asciiWidth: number;
  private readonly ascii: Uint16Array;
  /**
   * Non-ASCII unit → its column among the wide units, or -1, in two levels: the unit's high
   * byte picks a block of 256 columns (block 0: none of its units is in a pattern), so an
   * automaton keeps a few blocks, not a table of every UTF-16 unit.
   */
  private readonly wideBlock = new Uint16Array(256);
  private readonly wideColumn: Int16Array;
  /** State → where its row of wide transitions starts in `wideRows`. */
  private readonly wideRowAt: Int32Array;
  private readonly wideRows: Uint16Array;
  /** States from this number on end at least one pattern. */
  private readonly firstAccepting: number;
  private readonly outStart: Int32Array;
  private readonly outIds: Int32Array;
  /** Where a scan gathers its batch (a scan is not reentrant). */
  private readonly batchPatterns: Int32Array;
  private readonly batchEnds: Int32Array;

  constructor(patterns: readonly string[]) {
    this.lengths = new Int32Array(patterns.length);
    patterns.forEach((pattern, id) => {
      this.lengths[id] = pattern.length;
    });
    const trie = new Trie(patterns);
    const { fail, unit: unitOf, childStart } = trie;
    const states = trie.stateCount;
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
    // Rows exactly as wide as the columns, not rounded up to a power of two: a shift instead of
    // a multiplication per character saved nothing measurable, and 65 columns kept twice the table.
    const width = asciiCount;
    this.asciiWidth = width;

    // States that end a pattern are numbered last, so the scan tells them by a comparison
    // instead of another table read per character.
    const { outCount } = trie;
    const id = new Int32Array(states);
    let quiet = 0;
    for (let state = 0; state < states; state += 1) if (outCount[state] === 0) quiet += 1;
    this.firstAccepting = quiet;
    let nextQuiet = 0;
    let nextAccepting = quiet;
    for (let state = 0; state < states; state += 1) {
      id[state] = outCount[state] === 0 ? nextQuiet++ : nextAccepting++;
    }

    // A row starts as its failure state's row (the start state's is all zero), then takes the
    // state's own children: breadth-first, the failure state's row is complete by then.
    this.ascii = new Uint16Array(states * width);
    // Children are sorted by unit: a state's wide children follow its ASCII ones.
    const firstWide = new Int32Array(states);
    for (let state = 0; state < states; state += 1) {
      const row = id[state] * width;
      if (state !== 0) {
        const inherited = id[fail[state]] * width;
        this.ascii.copyWithin(row, inherited, inherited + width);
      }
      let child = childStart[state];
      for (; child < childStart[state + 1] && unitOf[child] < ASCII; child += 1) {
        this.ascii[row + this.asciiColumn[unitOf[child]]] = id[child];
      }
      firstWide[state] = child;
    }

    for (const pattern of patterns) {
      const kind = pattern.charCodeAt(0) & (START_KINDS - 1);
      if (pattern.length === 1) {
        this.startKinds[kind] = WHOLE;
        continue;
      }
      if (this.startKinds[kind] === 0) this.startKinds[kind] = BEGINS;
      const pair = pairBit(pattern.charCodeAt(0), pattern.charCodeAt(1));
      this.startPairs[pair >> 3] |= 1 << (pair & 7);
    }

    const wideRowOf = new Uint16Array(states);
    const hasWide = (state: number): boolean => firstWide[state] < childStart[state + 1];
    // The start state and every state with wide children of its own have a row.
    let rowCount = 0;
    for (let state = 0; state < states; state += 1)
      if (state === 0 || hasWide(state)) rowCount += 1;
    const rows = new Uint16Array(rowCount * wideCount);
    let row = 0;
    for (let state = 0; state < states; state += 1) {
      if (state !== 0 && !hasWide(state)) {
        wideRowOf[id[state]] = wideRowOf[id[fail[state]]];
        continue;
      }
      // A row starts as its failure state's row (the start state's is all zero).
      if (state !== 0) {
        const inherited = wideRowOf[id[fail[state]]] * wideCount;
        rows.copyWithin(row * wideCount, inherited, inherited + wideCount);
      }
      for (let child = firstWide[state]; child < childStart[state + 1]; child += 1) {
        rows[row * wideCount + (wideColumns.get(unitOf[child]) as number)] = id[child];
      }
      wideRowOf[id[state]] = row;
      row += 1;
    }
    this.wideRows = rows;
    this.wideRowAt = Int32Array.from(wideRowOf, (r) => r * wideCount);

    // A state's outputs are its own patterns, then its failure state's outputs: filled in
    // the order of the new numbering, the failure state's (numbered before) are copied.
    const { ownStart, ownIds } = trie;
    const byId = new Int32Array(states);
    for (let state = 0; state < states; state += 1) byId[id[state]] = state;
    this.outStart = new Int32Array(states + 1);
    let total = 0;
    let most = 0;
    for (let k = 0; k < states; k += 1) {
      this.outStart[k] = total;
      total += outCount[byId[k]];
      most = Math.max(most, outCount[byId[k]]);
    }
    this.outStart[states] = total;
    this.outIds = new Int32Array(total);
    for (let k = quiet; k < states; k += 1) {
      const state = byId[k];
      let at = this.outStart[k];
      for (let o = ownStart[state]; o < ownStart[state + 1]; o += 1) this.outIds[at++] = ownIds[o];
      const inherited = this.outStart[id[fail[state]]];
      this.outIds.copyWithin(at, inherited, inherited + outCount[fail[state]]);
    }
    // Room for a full batch plus the most occurrences one character can end.
    this.batchPatterns = new Int32Array(BATCH + most);
    this.batchEnds = new Int32Array(BATCH + most);
  }

  get stateCount(): number {
    return this.wideRowAt.length;
  }

  /**
   * Reports every occurrence in `units[0, length)`, in order of end: a channel's pass over a
   * whole text. Its loop has no start-state skip and no reporting bound (see scanRange): with
   * them, V8 compiled it 10–30 % slower per unit where hits are dense (ordinary code, template
   * openers), measured on the same automaton and text.
   */
  scan(units: Uint16Array, length: number, sink: HitSink): void {
    const { ascii, asciiColumn, asciiWidth, wideBlock, wideColumn, wideRowAt, wideRows } = this;
    const { firstAccepting, outStart, outIds, batchPatterns, batchEnds } = this;
    let state = 0;
    let count = 0;
    for (let i = 0; i < length; i += 1) {
      const unit = units[i];
      if (unit < ASCII) {
        state = ascii[state * asciiWidth + asciiColumn[unit]];
      } else {
        const column = wideColumn[(wideBlock[unit >> 8] << 8) | (unit & 0xff)];
        state = column < 0 ? 0 : wideRows[wideRowAt[state] + column];
      }
      if (state < firstAccepting) continue;
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
    const { ascii, asciiColumn, asciiWidth, wideBlock, wideColumn, wideRowAt, wideRows } = this;
    const { startKinds, startPairs, firstAccepting, outStart, outIds } = this;
    const { batchPatterns, batchEnds } = this;
    let state = 0;
    let count = 0;
    for (let i = from; i < to; i += 1) {
      let unit = units[i];
      if (state === 0) {
        // At the start, a unit that begins no pattern, or is no pattern alone and begins no
        // pattern's first pair with the next unit, is passed over without a transition: this
        // loop does not wait on the previous unit's state. From the start state, reading such
        // a unit then the next one leads where the next one alone does.
        for (;;) {
          const kind = startKinds[unit & (START_KINDS - 1)];
          if (kind !== 0) {
            if (kind === WHOLE || i + 1 >= to) break;
            const pair = pairBit(unit, units[i + 1]);
            if ((startPairs[pair >> 3] & (1 << (pair & 7))) !== 0) break;
          }
          i += 1;
          if (i >= to) break;
          unit = units[i];
        }
        if (i >= to) break;
      }
      if (unit < ASCII) {
        state = ascii[state * asciiWidth + asciiColumn[unit]];
      } else {
        const column = wideColumn[(wideBlock[unit >> 8] << 8) | (unit & 0xff)];
        state = column < 0 ? 0 : wideRows[wideRowAt[state] + column];
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

/**
 * The keyword trie in flat arrays, numbered breadth-first: the children of state s are the
 * states [childStart[s], childStart[s + 1]), sorted by their unit, so a child is found by a
 * binary search and no state needs an object of its own. Built from the patterns in sorted
 * order, where each pattern shares its prefix with the one before.
 */
class Trie {
  readonly stateCount: number;
  /** State → the unit that leads to it from its parent. */
  readonly unit: Uint16Array;
  readonly childStart: Int32Array;
  readonly fail: Int32Array;
  /** State → the patterns it ends itself: ownIds[ownStart[s], ownStart[s + 1]), by id. */
  readonly ownStart: Int32Array;
  readonly ownIds: Int32Array;
  /** State → how many patterns it ends, its own and its failure chain's. */
  readonly outCount: Int32Array;

  constructor(patterns: readonly string[]) {
    const sorted = new Int32Array(patterns.length);
    for (let id = 0; id < patterns.length; id += 1) sorted[id] = id;
    sorted.sort((a, b) => (patterns[a] < patterns[b] ? -1 : patterns[a] > patterns[b] ? 1 : a - b));
    // A trie in insertion numbering, with children as linked lists in ascending unit order.
    let units = 0;
    let longest = 0;
    for (const pattern of patterns) {
      if (pattern.length === 0) throw new Error('empty pattern');
      units += pattern.length;
      longest = Math.max(longest, pattern.length);
    }
    const unitOf = new Uint16Array(units + 1);
    const firstChild = new Int32Array(units + 1).fill(-1);
    const lastChild = new Int32Array(units + 1).fill(-1);
    const nextSibling = new Int32Array(units + 1).fill(-1);
    const endOf = new Int32Array(patterns.length);
    const path = new Int32Array(longest + 1);
    let count = 1;
    let previous = '';
    for (let k = 0; k < sorted.length; k += 1) {
      const id = sorted[k];
      const pattern = patterns[id];
      let shared = 0;
      const most = Math.min(pattern.length, previous.length);
      while (shared < most && pattern.charCodeAt(shared) === previous.charCodeAt(shared)) {
        shared += 1;
      }
      for (let i = shared; i < pattern.length; i += 1) {
        const parent = path[i];
        const state = count++;
        unitOf[state] = pattern.charCodeAt(i);
        if (lastChild[parent] < 0) firstChild[parent] = state;
        else nextSibling[lastChild[parent]] = state;
        lastChild[parent] = state;
        path[i + 1] = state;
      }
      endOf[id] = path[pattern.length];
      previous = pattern;
    }
    this.stateCount = count;

    // Breadth-first renumbering: the children of consecutive states are consecutive.
    const numberOf = new Int32Array(count);
    const order = new Int32Array(count);
    this.childStart = new Int32Array(count + 1);
    let tail = 1;
    for (let head = 0; head < count; head += 1) {
      this.childStart[head] = tail;
      for (let child = firstChild[order[head]]; child >= 0; child = nextSibling[child]) {
        numberOf[child] = tail;
        order[tail++] = child;
      }
    }
    this.childStart[count] = count;
    this.unit = new Uint16Array(count);
    for (let state = 0; state < count; state += 1) this.unit[state] = unitOf[order[state]];

    this.ownStart = new Int32Array(count + 1);
    for (let id = 0; id < endOf.length; id += 1) this.ownStart[numberOf[endOf[id]] + 1] += 1;
    for (let state = 0; state < count; state += 1) this.ownStart[state + 1] += this.ownStart[state];
    this.ownIds = new Int32Array(patterns.length);
    const filled = this.ownStart.slice(0, count);
    for (let id = 0; id < endOf.length; id += 1) this.ownIds[filled[numberOf[endOf[id]]]++] = id;

    // Failure links, breadth-first: a state's failure state is shallower, so done before it.
    this.fail = new Int32Array(count);
    this.outCount = new Int32Array(count);
    for (let state = 0; state < count; state += 1) {
      for (let child = this.childStart[state]; child < this.childStart[state + 1]; child += 1) {
        let f = state === 0 ? -1 : this.fail[state];
        let next = -1;
        while (f >= 0 && (next = this.child(f, this.unit[child])) < 0)
          f = f === 0 ? -1 : this.fail[f];
        this.fail[child] = f < 0 ? 0 : next;
      }
      const own = this.ownStart[state + 1] - this.ownStart[state];
      this.outCount[state] = own + (state === 0 ? 0 : this.outCount[this.fail[state]]);
    }
  }

  /** The child of `state` reached by `unit`, or -1. */
  private child(state: number, unit: number): number {
    let low = this.childStart[state];
    let high = this.childStart[state + 1] - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const at = this.unit[middle];
      if (at === unit) return middle;
      if (at < unit) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}
