/**
 * Canonicalises untrusted text before matching, in linear time, remembering for every
 * output UTF-16 unit which range of the ORIGINAL input produced it, so findings can be
 * reported (and redacted) in the caller's coordinates.
 *
 * Passes: percent-decoding twice (double encoding, %uXXXX, lenient UTF-8 including
 * overlong forms such as %c0%af), HTML entities and JS escapes, then folding (NFKC per
 * character, lower case, invisible characters dropped, whitespace collapsed, no space
 * around `.` / before `(` so `fs . writeFileSync (` reads as `fs.writefilesync(`).
 */
export interface NormalizedText {
  text: string;
  /** Original start offset of each normalised unit. */
  start: Int32Array;
  /** Original end offset (exclusive) of each normalised unit. */
  end: Int32Array;
  /** Normalised offsets where a collapsed run of whitespace held a line break (ascending). */
  breaks?: number[];
}

/** Grows a UTF-16 buffer with origin ranges. */
class Builder {
  private units: Uint16Array;
  private starts: Int32Array;
  private ends: Int32Array;
  length = 0;

  constructor(capacity: number) {
    const size = Math.max(16, capacity);
    this.units = new Uint16Array(size);
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
  }

  push(unit: number, start: number, end: number): void {
    if (this.length === this.units.length) this.grow();
    this.units[this.length] = unit;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length += 1;
  }

  pushCodePoint(cp: number, start: number, end: number): void {
    if (cp > 0xffff) {
      const v = cp - 0x10000;
      this.push(0xd800 + (v >> 10), start, end);
      this.push(0xdc00 + (v & 0x3ff), start, end);
    } else {
      this.push(cp, start, end);
    }
  }

  lastUnit(): number {
    return this.length === 0 ? -1 : this.units[this.length - 1];
  }

  build(): NormalizedText {
    const units = this.units.subarray(0, this.length);
    return {
      text: decoder.decode(units),
      start: this.starts.subarray(0, this.length),
      end: this.ends.subarray(0, this.length),
    };
  }

  private grow(): void {
    const size = this.units.length * 2;
    const units = new Uint16Array(size);
    units.set(this.units);
    const starts = new Int32Array(size);
    starts.set(this.starts);
    const ends = new Int32Array(size);
    ends.set(this.ends);
    this.units = units;
    this.starts = starts;
    this.ends = ends;
  }
}

const decoder = new TextDecoder('utf-16le');

/** A pass's input: origin maps are absent for the untouched original (identity). */
interface PassInput {
  text: string;
  start: Int32Array | null;
  end: Int32Array | null;
}

const startOf = (input: PassInput, i: number): number => (input.start ? input.start[i] : i);
const endOf = (input: PassInput, i: number): number => (input.end ? input.end[i] : i + 1);

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Reads `count` hex digits at `at`, or -1. */
function readHex(text: string, at: number, count: number): number {
  if (at + count > text.length) return -1;
  let value = 0;
  for (let i = 0; i < count; i += 1) {
    const digit = hexValue(text.charCodeAt(at + i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function safeCodePoint(cp: number): number {
  if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0xfffd;
  return cp;
}

/** One percent-decoding pass; %XX runs are decoded as lenient UTF-8 (overlong forms kept). */
function percentDecode(input: PassInput): PassInput {
  const { text } = input;
  if (!text.includes('%')) return input;
  const out = new Builder(text.length);
  const bytes: number[] = [];
  const byteStarts: number[] = [];
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 37 /* % */) {
      if ((text.charCodeAt(i + 1) | 0x20) === 117 /* u */) {
        const unit = readHex(text, i + 2, 4);
        if (unit >= 0) {
          out.push(unit, startOf(input, i), endOf(input, i + 5));
          i += 6;
          continue;
        }
      }
      // Collect a run of %XX bytes and decode it as UTF-8.
      let j = i;
      bytes.length = 0;
      byteStarts.length = 0;
      while (j < text.length && text.charCodeAt(j) === 37) {
        const value = readHex(text, j + 1, 2);
        if (value < 0) break;
        bytes.push(value);
        byteStarts.push(j);
        j += 3;
      }
      if (bytes.length === 0) {
        out.push(code, startOf(input, i), endOf(input, i));
        i += 1;
        continue;
      }
      emitUtf8(bytes, byteStarts, input, out);
      i = j;
      continue;
    }
    out.push(code, startOf(input, i), endOf(input, i));
    i += 1;
  }
  return out.build();
}

function continuationCount(lead: number): number {
  if (lead >= 0xc0 && lead <= 0xdf) return 1;
  if (lead >= 0xe0 && lead <= 0xef) return 2;
  if (lead >= 0xf0 && lead <= 0xf7) return 3;
  return -1;
}

function emitUtf8(bytes: number[], starts: number[], input: PassInput, out: Builder): void {
  let k = 0;
  while (k < bytes.length) {
    const lead = bytes[k];
    const from = startOf(input, starts[k]);
    if (lead < 0x80) {
      out.push(lead, from, endOf(input, starts[k] + 2));
      k += 1;
      continue;
    }
    const extra = continuationCount(lead);
    let valid = extra > 0 && k + extra < bytes.length;
    for (let c = 1; valid && c <= extra; c += 1) valid = (bytes[k + c] & 0xc0) === 0x80;
    if (!valid) {
      // A stray byte: keep it as the Latin-1 character it names.
      out.push(lead, from, endOf(input, starts[k] + 2));
      k += 1;
      continue;
    }
    let cp = lead & (0x3f >> extra);
    for (let c = 1; c <= extra; c += 1) cp = (cp << 6) | (bytes[k + c] & 0x3f);
    out.pushCodePoint(safeCodePoint(cp), from, endOf(input, starts[k + extra] + 2));
    k += extra + 1;
  }
}

const NAMED_ENTITIES: Record<string, number> = {
  lt: 60,
  gt: 62,
  amp: 38,
  quot: 34,
  apos: 39,
  nbsp: 32,
  lpar: 40,
  rpar: 41,
  colon: 58,
  sol: 47,
  bsol: 92,
  period: 46,
  comma: 44,
  semi: 59,
  equals: 61,
  grave: 96,
  tab: 9,
  newline: 10,
  excl: 33,
  num: 35,
  dollar: 36,
  percnt: 37,
  lsqb: 91,
  rsqb: 93,
  lcub: 123,
  rcub: 125,
  vert: 124,
  ast: 42,
  plus: 43,
  quest: 63,
  commat: 64,
};
const MAX_ENTITY_NAME = 8;
const MAX_DIGITS = 8;

function isDigitIn(code: number, hex: boolean): boolean {
  return hex ? hexValue(code) >= 0 : code >= 48 && code <= 57;
}

/** Decodes `&name;`, `&#NN;`, `&#xHH;` (`;` optional) and `\xHH`, `\uHHHH`, `\u{H…}`. */
function entityDecode(input: PassInput): PassInput {
  const { text } = input;
  if (!text.includes('&') && !text.includes('\\')) return input;
  const out = new Builder(text.length);
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const decoded =
      code === 38 ? readEntity(text, i) : code === 92 ? readEscape(text, i) : undefined;
    if (decoded) {
      out.pushCodePoint(decoded.cp, startOf(input, i), endOf(input, decoded.next - 1));
      i = decoded.next;
      continue;
    }
    out.push(code, startOf(input, i), endOf(input, i));
    i += 1;
  }
  return out.build();
}

function readEntity(text: string, at: number): { cp: number; next: number } | undefined {
  if (text.charCodeAt(at + 1) === 35 /* # */) {
    const hex = (text.charCodeAt(at + 2) | 0x20) === 120; /* x */
    let j = at + (hex ? 3 : 2);
    const first = j;
    let value = 0;
    while (j < text.length && j - first < MAX_DIGITS && isDigitIn(text.charCodeAt(j), hex)) {
      value = value * (hex ? 16 : 10) + hexValue(text.charCodeAt(j));
      j += 1;
    }
    if (j === first) return undefined;
    if (text.charCodeAt(j) === 59) j += 1;
    return { cp: safeCodePoint(value), next: j };
  }
  let j = at + 1;
  while (j < text.length && j - at <= MAX_ENTITY_NAME) {
    const c = text.charCodeAt(j) | 0x20;
    if (c < 97 || c > 122) break;
    j += 1;
  }
  const name = text.slice(at + 1, j).toLowerCase();
  const cp = NAMED_ENTITIES[name];
  if (cp === undefined) return undefined;
  if (text.charCodeAt(j) === 59) j += 1;
  return { cp, next: j };
}

function readEscape(text: string, at: number): { cp: number; next: number } | undefined {
  const kind = text.charCodeAt(at + 1);
  if (kind === 120 /* x */) {
    const value = readHex(text, at + 2, 2);
    return value < 0 ? undefined : { cp: value, next: at + 4 };
  }
  if (kind !== 117 /* u */) return undefined;
  if (text.charCodeAt(at + 2) === 123 /* { */) {
    let j = at + 3;
    let value = 0;
    while (j < text.length && j - at - 3 < 6 && hexValue(text.charCodeAt(j)) >= 0) {
      value = value * 16 + hexValue(text.charCodeAt(j));
      j += 1;
    }
    if (j === at + 3 || text.charCodeAt(j) !== 125) return undefined;
    return { cp: safeCodePoint(value), next: j + 1 };
  }
  const value = readHex(text, at + 2, 4);
  return value < 0 ? undefined : { cp: value, next: at + 6 };
}

const foldCache = new Map<number, string>();

function foldCodePoint(cp: number): string {
  let folded = foldCache.get(cp);
  if (folded === undefined) {
    folded = String.fromCodePoint(cp).normalize('NFKC').toLowerCase();
    if (foldCache.size < 65536) foldCache.set(cp, folded);
  }
  return folded;
}

function isInvisible(cp: number): boolean {
  return (
    cp === 0xad ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    cp === 0xfeff ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  );
}

function isSpace(cp: number): boolean {
  return (
    cp === 32 ||
    (cp >= 9 && cp <= 13) ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

const DOT = 46;
const OPEN_PAREN = 40;

/** Case, NFKC, invisible characters, whitespace; SQL's empty comment `/ ** /` counts as a space. */
function fold(input: PassInput): NormalizedText {
  const { text } = input;
  const out = new Builder(text.length);
  const breaks: number[] = [];
  let spaceAt = -1; // original start of a pending collapsed space
  let newline = false; // whether that pending whitespace held a line break
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    const from = startOf(input, i);
    const to = endOf(input, i + width - 1);
    if (cp === 47 && text.startsWith('/**/', i)) {
      if (spaceAt < 0) spaceAt = from;
      i += 4;
      continue;
    }
    if (isSpace(cp) || (cp < 32 && cp !== 9) || cp === 127) {
      if (spaceAt < 0) spaceAt = from;
      if (cp === 10 || cp === 13 || cp === 0x2028 || cp === 0x2029) newline = true;
      i += width;
      continue;
    }
    if (isInvisible(cp)) {
      i += width;
      continue;
    }
    const folded =
      cp < 128 ? String.fromCharCode(cp >= 65 && cp <= 90 ? cp + 32 : cp) : foldCodePoint(cp);
    const first = folded.charCodeAt(0);
    if (spaceAt >= 0) {
      const last = out.lastUnit();
      if (last >= 0 && last !== DOT && first !== DOT && first !== OPEN_PAREN) {
        out.push(32, spaceAt, spaceAt + 1);
      }
      if (newline) breaks.push(out.length);
      spaceAt = -1;
      newline = false;
    }
    for (let k = 0; k < folded.length; k += 1) out.push(folded.charCodeAt(k), from, to);
    i += width;
  }
  return { ...out.build(), breaks };
}

/** The canonical form the detector matches against. */
export function normalize(original: string): NormalizedText {
  let current: PassInput = { text: original, start: null, end: null };
  current = percentDecode(current);
  current = percentDecode(current);
  current = entityDecode(current);
  current = percentDecode(current);
  return fold(current);
}
