import { DecodeBuffers, entityDecode, percentDecode } from './decoders';
import { FOLD_TABLE } from './fold-table';
import type { TextPass } from './text-buffer';

/**
 * Untrusted text in the canonical form the detector matches, in linear time: percent-decoded
 * twice (double encoding, %uXXXX, overlong UTF-8), HTML entities and JS escapes decoded, then
 * folded (NFKC, lower case, look-alikes of separators and operators, invisible characters
 * dropped, whitespace collapsed, no space around `.` or before `(` so `fs . writeFileSync (`
 * reads as `fs.writefilesync(`). Every unit can be traced to the range of the ORIGINAL input
 * that produced it (originStart, originEnd), so findings are reported and redacted in the
 * caller's coordinates.
 */
export interface NormalizedText {
  units: Uint16Array;
  length: number;
  /**
   * Where units come from in the decoded text: unit `markUnit[j]` from index `markIndex[j]`,
   * each following unit from the next index, up to the next mark. Most text folds one unit
   * per character, so marks are few and the fold writes no per-unit origin.
   */
  markUnit: Int32Array;
  markIndex: Int32Array;
  markCount: number;
  /** The decoded text, and its origin in the original (null: it is the original). */
  decoded: TextPass;
  /** The decoded text's units (the first `decoded.text.length`): faster to read than the string. */
  decodedUnits: Uint16Array;
  /** Normalised offsets where a collapsed run of whitespace held a line break (ascending). */
  breaks: Int32Array;
  breakCount: number;
}

export interface NormalizeOptions {
  /** `+` is a space, as in form-encoded values (`1+UNION+SELECT+1`). */
  plusAsSpace?: boolean;
}

/**
 * Buffers the fold writes into, kept from one call to the next: a detector scans text after
 * text, and fresh multi-megabyte arrays for each would cost more than the folding itself. A
 * result read from a workspace is valid until the workspace is used again.
 */
export class NormalizeWorkspace {
  /** What the decoding passes write. */
  readonly decoding = new DecodeBuffers();
  /** The decoded text's units, copied natively (reading a string per character is slower). */
  source: Uint16Array = new Uint16Array(0);
  private sourceBytes: Buffer | undefined;
  units = new Uint16Array(0);
  markUnit = new Int32Array(64);
  markIndex = new Int32Array(64);
  breaks = new Int32Array(64);

  /** The units of `text` in `source`. */
  load(text: string): Uint16Array {
    if (this.source.length < text.length) {
      const size = Math.max(text.length, this.source.length * 2, 64);
      if (NATIVE_COPY) {
        this.sourceBytes = Buffer.allocUnsafeSlow(size * 2);
        this.source = new Uint16Array(this.sourceBytes.buffer, this.sourceBytes.byteOffset, size);
      } else {
        this.source = new Uint16Array(size);
      }
    }
    if (this.sourceBytes) this.sourceBytes.write(text, 0, 'utf16le');
    else for (let i = 0; i < text.length; i += 1) this.source[i] = text.charCodeAt(i);
    return this.source;
  }

  /** Room for `size` units, keeping the first `keep`. */
  reserve(size: number, keep: number): void {
    if (size <= this.units.length) return;
    const units = new Uint16Array(Math.max(size, this.units.length * 2));
    units.set(this.units.subarray(0, keep));
    this.units = units;
  }

  /** Room for `size` marks. */
  reserveMarks(size: number): void {
    if (size <= this.markUnit.length) return;
    this.markUnit = grown(this.markUnit, size);
    this.markIndex = grown(this.markIndex, size);
  }

  /** Room for `size` line breaks. */
  reserveBreaks(size: number): void {
    if (size > this.breaks.length) this.breaks = grown(this.breaks, size);
  }
}

/** Node's buffers copy a string's units in one native call, on little-endian machines. */
const NATIVE_COPY =
  typeof Buffer !== 'undefined' && new Uint16Array(Uint8Array.from([1, 0]).buffer)[0] === 1;

function grown(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}

const { entries, expansions, fill, foldCodePoint } = FOLD_TABLE;
const { UNKNOWN, SPACE, LINE_BREAK, DROP, SLASH, PLUS, HIGH_SURROGATE, MULTI } = FOLD_TABLE;
const DOT = 46;
const OPEN_PAREN = 40;
const STAR = 42;

/** Where a fold stands between two chunks. */
interface FoldState {
  /** The decoded text's units (with `length` valid ones). */
  source: Uint16Array;
  length: number;
  plusAsSpace: boolean;
  /** Units written so far. */
  n: number;
  markCount: number;
  breakCount: number;
  /** Index (in the decoded text) of a pending collapsed space, or -1. */
  spaceAt: number;
  /** Whether that pending whitespace held a line break. */
  newline: boolean;
}

/**
 * Units folded per call: a loop that returns often is optimised like any function, and
 * short runs of writes stay in the cache (measured: 8 Ki units fold about twice as fast per
 * unit as 32 Ki or whole texts).
 */
const CHUNK = 1 << 13;

/**
 * Folds the decoded text, chunk by chunk. Before each chunk the workspace makes room for
 * twice its size, so the loop writes fixed arrays without a bounds check; a chunk stops early
 * when expansions (ligatures, astral letters) would need more.
 */
function fold(
  input: TextPass,
  options: NormalizeOptions,
  workspace: NormalizeWorkspace,
): NormalizedText {
  const length = input.text.length;
  const state: FoldState = {
    source: workspace.load(input.text),
    length,
    plusAsSpace: options.plusAsSpace === true,
    n: 0,
    markCount: 1,
    breakCount: 0,
    spaceAt: -1,
    newline: false,
  };
  workspace.markUnit[0] = 0;
  workspace.markIndex[0] = 0;
  let at = 0;
  while (at < length) {
    const size = Math.min(length, at + CHUNK) - at;
    workspace.reserve(state.n + 2 * size + 64, state.n);
    workspace.reserveMarks(state.markCount + 2 * size + 4);
    workspace.reserveBreaks(state.breakCount + size + 1);
    at = foldChunk(state, workspace, at, at + size);
  }
  return {
    units: workspace.units,
    length: state.n,
    markUnit: workspace.markUnit,
    markIndex: workspace.markIndex,
    markCount: state.markCount,
    decoded: input,
    decodedUnits: state.source,
    breaks: workspace.breaks,
    breakCount: state.breakCount,
  };
}

/** Folds [from, to) (a `/**\/` or a surrogate pair may run past); returns where it stopped. */
function foldChunk(
  state: FoldState,
  workspace: NormalizeWorkspace,
  from: number,
  to: number,
): number {
  const { source, length, plusAsSpace } = state;
  const { units, markUnit, markIndex, breaks } = workspace;
  const capacity = units.length;
  let { n, markCount, breakCount, spaceAt, newline } = state;
  /** Makes unit `unit` come from index `index`, unless it already does. */
  const mark = (unit: number, index: number): void => {
    const last = markCount - 1;
    if (index - markIndex[last] === unit - markUnit[last]) return;
    if (markUnit[last] === unit) {
      markIndex[last] = index;
      return;
    }
    markUnit[markCount] = unit;
    markIndex[markCount] = index;
    markCount += 1;
  };
  let i = from;
  while (i < to) {
    const unit = source[i];
    let entry = entries[unit];
    if (entry >= 0 && entry < MULTI) {
      if (spaceAt < 0) {
        // The common case, a run of characters of one unit each from consecutive indexes (no
        // mark needed), in a loop of its own: one table read and one test per character.
        do {
          units[n] = entry;
          n += 1;
          i += 1;
        } while (i < to && (entry = entries[source[i]]) >>> 0 < MULTI);
        // One blank between two words (see below), taken here: the next word's run starts
        // at once instead of after two turns of the outer loop (prose: a blank every few units).
        if (entry === SPACE && i + 1 < to) {
          const next = entries[source[i + 1]];
          if (next >>> 0 < MULTI && next !== DOT && next !== OPEN_PAREN && units[n - 1] !== DOT) {
            units[n] = 32;
            n += 1;
            i += 1;
          }
        }
        continue;
      }
      if (
        spaceAt === i - 1 &&
        !newline &&
        n > 0 &&
        entry !== DOT &&
        entry !== OPEN_PAREN &&
        units[n - 1] !== DOT
      ) {
        // One blank between two words: a space in its place, so units and indexes stay in
        // step and no mark is needed (prose has one every few characters).
        units[n] = 32;
        units[n + 1] = entry;
        n += 2;
        i += 1;
        spaceAt = -1;
        continue;
      }
    }
    // A character not seen before (UNKNOWN) gets its entry once, then takes its path.
    if (entry === UNKNOWN) {
      fill(unit);
      continue;
    }
    if (
      entry === SPACE ||
      entry === LINE_BREAK ||
      (entry === PLUS && plusAsSpace) ||
      (entry === SLASH &&
        i + 3 < length &&
        source[i + 1] === STAR &&
        source[i + 2] === STAR &&
        source[i + 3] === 47)
    ) {
      // Whitespace, `+` in form-encoded values, and SQL's empty comment `/**/` separate words.
      if (spaceAt < 0) spaceAt = i;
      if (entry === LINE_BREAK) newline = true;
      i += entry === SLASH ? 4 : 1;
      continue;
    }
    if (entry === DROP) {
      i += 1;
      mark(n, i);
      continue;
    }
    let folded = '';
    let width = 1;
    if (entry === SLASH) entry = 47;
    else if (entry === PLUS) entry = 43;
    else if (entry >= MULTI) folded = expansions[entry - MULTI];
    else if (entry === HIGH_SURROGATE) {
      const low = i + 1 < length ? source[i + 1] : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        folded = foldCodePoint(((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000);
        width = 2;
        if (folded.length === 0) {
          i += 2;
          mark(n, i);
          continue;
        }
      } else {
        entry = unit;
      }
    }
    if (folded.length > 0) {
      // Room for the expansion and one unit for each unit left in the chunk, else stop here.
      if (n + folded.length + 1 + (to - i) > capacity) break;
      entry = folded.charCodeAt(0);
    }
    if (spaceAt >= 0) {
      const last = n === 0 ? -1 : units[n - 1];
      if (last >= 0 && last !== DOT && entry !== DOT && entry !== OPEN_PAREN) {
        mark(n, spaceAt);
        units[n] = 32;
        n += 1;
      }
      if (newline) {
        breaks[breakCount] = n;
        breakCount += 1;
      }
      spaceAt = -1;
      newline = false;
    }
    mark(n, i);
    units[n] = entry;
    n += 1;
    for (let k = 1; k < folded.length; k += 1) {
      mark(n, i);
      units[n] = folded.charCodeAt(k);
      n += 1;
    }
    i += width;
    mark(n, i);
  }
  state.n = n;
  state.markCount = markCount;
  state.breakCount = breakCount;
  state.spaceAt = spaceAt;
  state.newline = newline;
  return i;
}

/**
 * The canonical form the detector matches against. Without a workspace the result has arrays
 * of its own; with one it lives in the workspace's buffers.
 */
export function normalize(
  original: string,
  options: NormalizeOptions = {},
  workspace: NormalizeWorkspace = new NormalizeWorkspace(),
): NormalizedText {
  // Percent-decoding twice catches double encoding; a pass that decodes nothing would decode
  // nothing again, so it is not repeated.
  const source: TextPass = { text: original, start: null, end: null };
  const buffers = workspace.decoding;
  const once = percentDecode(source, buffers);
  const twice = once === source ? once : percentDecode(once, buffers);
  const entities = entityDecode(twice, buffers);
  const decoded =
    entities === twice && twice === once ? entities : percentDecode(entities, buffers);
  return fold(decoded, options, workspace);
}

/** The index in the decoded text that normalised unit `k` comes from. */
function decodedIndex(text: NormalizedText, k: number): number {
  let lo = 0;
  let hi = text.markCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (text.markUnit[mid] <= k) lo = mid;
    else hi = mid - 1;
  }
  return text.markIndex[lo] + (k - text.markUnit[lo]);
}

/** Where the character at `index` of the decoded text starts in the original input. */
function startOfIndex(text: NormalizedText, index: number): number {
  const { start } = text.decoded;
  return start === null ? index : start[index];
}

/** Where the character at `index` of the decoded text ends (exclusive) in the original input. */
function endOfIndex(text: NormalizedText, index: number): number {
  const { decodedUnits } = text;
  let last = index;
  // A character of two units (an astral letter) ends after both.
  const unit = decodedUnits[last];
  if (unit >= 0xd800 && unit <= 0xdbff && last + 1 < text.decoded.text.length) {
    const low = decodedUnits[last + 1];
    if (low >= 0xdc00 && low <= 0xdfff) last += 1;
  }
  const { end } = text.decoded;
  return end === null ? last + 1 : end[last];
}

/** Invisible characters looked past after a mark: a bound, so a check costs O(1). */
const MAX_INVISIBLE_RUN = 16;

/**
 * Whether white space (or the end of the text) follows normalised unit `k` in the decoded
 * text: the normalised form drops the spaces around `.` and before `(`, so a mark that ends a
 * sentence is told from a member access (`fs.write`) or a call here. White space is what the
 * normaliser folds to a space or a line break (a no-break or ideographic space too), read past
 * the invisible characters it drops.
 */
export function spaceAfter(text: NormalizedText, k: number): boolean {
  const { length } = text.decoded.text;
  let next = decodedIndex(text, k) + 1;
  for (let skipped = 0; next < length; next += 1, skipped += 1) {
    const entry = fill(text.decodedUnits[next]);
    if (entry === SPACE || entry === LINE_BREAK) return true;
    if (entry !== DROP || skipped === MAX_INVISIBLE_RUN) return false;
  }
  return true;
}

/** Where normalised unit `k` starts in the original input. */
export function originStart(text: NormalizedText, k: number): number {
  return startOfIndex(text, decodedIndex(text, k));
}

/** Where normalised unit `k` ends (exclusive) in the original input. */
export function originEnd(text: NormalizedText, k: number): number {
  return endOfIndex(text, decodedIndex(text, k));
}
