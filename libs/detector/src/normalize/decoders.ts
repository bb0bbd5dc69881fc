import { TextBuilder, type TextPass } from './text-buffer';

/**
 * The decoding passes of the normaliser, each linear and each keeping the origin of every
 * unit: percent-encoding (%XX runs as lenient UTF-8 with overlong forms, %uXXXX), HTML
 * entities (`&name;`, `&#NN;`, `&#xHH;`, `;` optional) and JS escapes (`\xHH`, `\uHHHH`,
 * `\u{H…}`). A pass builds a new text only when something decodes; text without a marker, or
 * with markers that decode nothing (`50% off`, `a & b`), is returned as it is.
 */

/**
 * Where a decoder puts what it read: the code point and where the text goes on. One object
 * serves every read (a dense run of escapes would otherwise allocate one per sequence).
 */
interface Decoded {
  cp: number;
  next: number;
}

/** Reads a sequence at `at` into `out`; false when nothing decodes there. */
type Decoder = (text: string, at: number, out: Decoded) => boolean;

/**
 * The two builders decoding passes write into, kept from text to text: a pass reads the
 * text one of them holds and writes the other.
 */
export class DecodeBuffers {
  private readonly first = new TextBuilder();
  private readonly second = new TextBuilder();

  /** A builder that does not hold `input`, reset for a text of its size. */
  builderFor(input: TextPass): TextBuilder {
    const builder = this.first.holds(input) ? this.second : this.first;
    builder.reset(input.text.length);
    return builder;
  }
}

const PERCENT = 37;

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

function found(out: Decoded, cp: number, next: number): true {
  out.cp = cp;
  out.next = next;
  return true;
}

function safeCodePoint(cp: number): number {
  if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0xfffd;
  return cp;
}

/**
 * The positions of the markers of a pass, in order: each marker's next occurrence is kept, so
 * a marker that is rare is not searched for again at every occurrence of a frequent one.
 */
class Markers {
  private readonly next: number[];

  constructor(
    private readonly text: string,
    private readonly markers: string,
  ) {
    this.next = Array.from(markers, (marker) => text.indexOf(marker));
  }

  /** The first marker position at or after `from`, or -1. */
  from(from: number): number {
    let first = -1;
    for (let m = 0; m < this.markers.length; m += 1) {
      if (this.next[m] >= 0 && this.next[m] < from) {
        this.next[m] = this.text.indexOf(this.markers[m], from);
      }
      const at = this.next[m];
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    return first;
  }
}

/**
 * Decodes every decodable sequence that starts at one of `markers`. Up to the first sequence
 * that decodes the text is only searched; from there one loop reads each unit once and
 * writes the decoded text with its origins.
 */
function decodePass(
  input: TextPass,
  markers: string,
  decodeAt: Decoder,
  buffers: DecodeBuffers,
): TextPass {
  const { text, start, end } = input;
  const positions = new Markers(text, markers);
  const decoded: Decoded = { cp: 0, next: 0 };
  let at = positions.from(0);
  while (at >= 0 && !decodeAt(text, at, decoded)) at = positions.from(at + 1);
  if (at < 0) return input;
  const out = buffers.builderFor(input);
  out.copy(input, 0, at);
  // Every sequence is longer than what it decodes to (`%XX` is one unit, an astral character
  // takes at least 7), so the output fits in the input's length the builder was reset to.
  const { units, starts, ends } = out;
  const isMarker = new Uint8Array(128);
  for (let m = 0; m < markers.length; m += 1) isMarker[markers.charCodeAt(m)] = 1;
  let n = out.length;
  for (let i = at; i < text.length;) {
    const unit = text.charCodeAt(i);
    if (unit < 128 && isMarker[unit] === 1 && decodeAt(text, i, decoded)) {
      const from = start === null ? i : start[i];
      const to = end === null ? decoded.next : end[decoded.next - 1];
      const { cp } = decoded;
      if (cp > 0xffff) {
        units[n] = 0xd800 + ((cp - 0x10000) >> 10);
        starts[n] = from;
        ends[n] = to;
        n += 1;
      }
      units[n] = cp > 0xffff ? 0xdc00 + ((cp - 0x10000) & 0x3ff) : cp;
      starts[n] = from;
      ends[n] = to;
      n += 1;
      i = decoded.next;
    } else {
      units[n] = unit;
      starts[n] = start === null ? i : start[i];
      ends[n] = end === null ? i + 1 : end[i];
      n += 1;
      i += 1;
    }
  }
  out.length = n;
  return out.pass();
}

function continuationCount(lead: number): number {
  if (lead >= 0xc0 && lead <= 0xdf) return 1;
  if (lead >= 0xe0 && lead <= 0xef) return 2;
  if (lead >= 0xf0 && lead <= 0xf7) return 3;
  return -1;
}

/** `%uXXXX`, or a %XX run read as UTF-8 (a stray byte is the Latin-1 character it names). */
function readPercent(text: string, at: number, out: Decoded): boolean {
  if ((text.charCodeAt(at + 1) | 0x20) === 117 /* u */) {
    const unit = readHex(text, at + 2, 4);
    if (unit >= 0) return found(out, unit, at + 6);
  }
  const lead = readHex(text, at + 1, 2);
  if (lead < 0) return false;
  const extra = continuationCount(lead);
  let cp = lead & (0x3f >> Math.max(0, extra));
  for (let c = 1; c <= extra; c += 1) {
    const position = at + 3 * c;
    const value = text.charCodeAt(position) === PERCENT ? readHex(text, position + 1, 2) : -1;
    if (value < 0 || (value & 0xc0) !== 0x80) return found(out, lead, at + 3);
    cp = (cp << 6) | (value & 0x3f);
  }
  return extra > 0 ? found(out, safeCodePoint(cp), at + 3 * (extra + 1)) : found(out, lead, at + 3);
}

/** One percent-decoding pass. */
export function percentDecode(input: TextPass, buffers: DecodeBuffers): TextPass {
  return decodePass(input, '%', readPercent, buffers);
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

function readEntity(text: string, at: number, out: Decoded): boolean {
  const length = text.length;
  if (text.charCodeAt(at + 1) === 35 /* # */) {
    const hex = (text.charCodeAt(at + 2) | 0x20) === 120; /* x */
    let j = at + (hex ? 3 : 2);
    const first = j;
    let value = 0;
    while (j < length && j - first < MAX_DIGITS) {
      const digit = hexValue(text.charCodeAt(j));
      if (digit < 0 || (!hex && digit > 9)) break;
      value = value * (hex ? 16 : 10) + digit;
      j += 1;
    }
    if (j === first) return false;
    if (text.charCodeAt(j) === 59) j += 1;
    return found(out, safeCodePoint(value), j);
  }
  let j = at + 1;
  while (j < length && j - at <= MAX_ENTITY_NAME) {
    const c = text.charCodeAt(j) | 0x20;
    if (c < 97 || c > 122) break;
    j += 1;
  }
  if (j === at + 1) return false;
  const cp = NAMED_ENTITIES[text.slice(at + 1, j).toLowerCase()];
  if (cp === undefined) return false;
  if (text.charCodeAt(j) === 59) j += 1;
  return found(out, cp, j);
}

function readEscape(text: string, at: number, out: Decoded): boolean {
  const kind = text.charCodeAt(at + 1);
  if (kind === 120 /* x */) {
    const value = readHex(text, at + 2, 2);
    return value >= 0 && found(out, value, at + 4);
  }
  if (kind !== 117 /* u */) return false;
  if (text.charCodeAt(at + 2) === 123 /* { */) {
    let j = at + 3;
    let value = 0;
    while (j < text.length && j - at - 3 < 6 && hexValue(text.charCodeAt(j)) >= 0) {
      value = value * 16 + hexValue(text.charCodeAt(j));
      j += 1;
    }
    if (j === at + 3 || text.charCodeAt(j) !== 125) return false;
    return found(out, safeCodePoint(value), j + 1);
  }
  const value = readHex(text, at + 2, 4);
  return value >= 0 && found(out, value, at + 6);
}

const readEntityOrEscape: Decoder = (text, at, out) =>
  text.charCodeAt(at) === 38 ? readEntity(text, at, out) : readEscape(text, at, out);

/** Decodes entities and escapes. */
export function entityDecode(input: TextPass, buffers: DecodeBuffers): TextPass {
  return decodePass(input, '&\\', readEntityOrEscape, buffers);
}
