import { TextBuilder, type TextPass } from './text-buffer';

/**
 * The decoding passes of the normaliser, each linear and each keeping the origin of every
 * unit: percent-encoding (%XX runs as lenient UTF-8 with overlong forms, %uXXXX), HTML
 * entities (`&name;`, `&#NN;`, `&#xHH;`, `;` optional) and JS escapes (`\xHH`, `\uHHHH`,
 * `\u{H…}`). A pass builds a new text only when something decodes; text without a marker, or
 * with markers that decode nothing (`50% off`, `a & b`), is returned as it is.
 */

/** A decoded sequence: the code point and where the text goes on. */
interface Decoded {
  cp: number;
  next: number;
}

type Decoder = (text: string, at: number) => Decoded | undefined;

const PERCENT = 37;

const startOf = (pass: TextPass, i: number): number => (pass.start ? pass.start[i] : i);
const endOf = (pass: TextPass, i: number): number => (pass.end ? pass.end[i] : i + 1);

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

/** Copies units [from, to) of the input as they are. */
function copy(input: TextPass, from: number, to: number, out: TextBuilder): void {
  out.reserve(to - from);
  for (let i = from; i < to; i += 1)
    out.push(input.text.charCodeAt(i), startOf(input, i), endOf(input, i));
}

/** Decodes every decodable sequence that starts at one of `markers`. */
function decodePass(input: TextPass, markers: string, decodeAt: Decoder): TextPass {
  const { text } = input;
  const positions = new Markers(text, markers);
  let out: TextBuilder | undefined;
  let copied = 0;
  for (let at = positions.from(0); at >= 0;) {
    const decoded = decodeAt(text, at);
    if (!decoded) {
      at = positions.from(at + 1);
      continue;
    }
    out ??= new TextBuilder(text.length);
    copy(input, copied, at, out);
    out.pushCodePoint(decoded.cp, startOf(input, at), endOf(input, decoded.next - 1));
    copied = decoded.next;
    at = positions.from(decoded.next);
  }
  if (!out) return input;
  copy(input, copied, text.length, out);
  return out.pass();
}

function continuationCount(lead: number): number {
  if (lead >= 0xc0 && lead <= 0xdf) return 1;
  if (lead >= 0xe0 && lead <= 0xef) return 2;
  if (lead >= 0xf0 && lead <= 0xf7) return 3;
  return -1;
}

/** `%uXXXX`, or a %XX run read as UTF-8 (a stray byte is the Latin-1 character it names). */
function readPercent(text: string, at: number): Decoded | undefined {
  if ((text.charCodeAt(at + 1) | 0x20) === 117 /* u */) {
    const unit = readHex(text, at + 2, 4);
    if (unit >= 0) return { cp: unit, next: at + 6 };
  }
  const lead = readHex(text, at + 1, 2);
  if (lead < 0) return undefined;
  const extra = continuationCount(lead);
  let cp = lead & (0x3f >> Math.max(0, extra));
  for (let c = 1; c <= extra; c += 1) {
    const position = at + 3 * c;
    const value = text.charCodeAt(position) === PERCENT ? readHex(text, position + 1, 2) : -1;
    if (value < 0 || (value & 0xc0) !== 0x80) return { cp: lead, next: at + 3 };
    cp = (cp << 6) | (value & 0x3f);
  }
  return extra > 0
    ? { cp: safeCodePoint(cp), next: at + 3 * (extra + 1) }
    : { cp: lead, next: at + 3 };
}

/** One percent-decoding pass. */
export function percentDecode(input: TextPass): TextPass {
  return decodePass(input, '%', readPercent);
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

function readEntity(text: string, at: number): Decoded | undefined {
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
    if (j === first) return undefined;
    if (text.charCodeAt(j) === 59) j += 1;
    return { cp: safeCodePoint(value), next: j };
  }
  let j = at + 1;
  while (j < length && j - at <= MAX_ENTITY_NAME) {
    const c = text.charCodeAt(j) | 0x20;
    if (c < 97 || c > 122) break;
    j += 1;
  }
  if (j === at + 1) return undefined;
  const cp = NAMED_ENTITIES[text.slice(at + 1, j).toLowerCase()];
  if (cp === undefined) return undefined;
  if (text.charCodeAt(j) === 59) j += 1;
  return { cp, next: j };
}

function readEscape(text: string, at: number): Decoded | undefined {
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

const readEntityOrEscape: Decoder = (text, at) =>
  text.charCodeAt(at) === 38 ? readEntity(text, at) : readEscape(text, at);

/** Decodes entities and escapes. */
export function entityDecode(input: TextPass): TextPass {
  return decodePass(input, '&\\', readEntityOrEscape);
}
