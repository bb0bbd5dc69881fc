import type { DetectionRule } from '../policy/detection-policy';

/**
 * Hand-written linear matchers for structured shapes, run from a token hit. Each returns the
 * end of the match, or minus the position its scan reached (so later hits inside the same
 * run are skipped: they could only produce a shorter, failing run). Scans are bounded.
 */
const MAX_RUN = 4096;

const isLower = (u: number): boolean => u >= 97 && u <= 122;
const isDigit = (u: number): boolean => u >= 48 && u <= 57;
const isAlnum = (u: number): boolean => isLower(u) || isDigit(u);
const isBase64Url = (u: number): boolean => isAlnum(u) || u === 45 || u === 95;
/** Characters of bearer tokens and opaque keys (RFC 6750 b64token). */
const isTokenChar = (u: number): boolean =>
  isBase64Url(u) || u === 46 || u === 126 || u === 43 || u === 47;

const CHARSETS = { base64url: isBase64Url, alnum: isAlnum, token: isTokenChar };

/** A rule's shape compiled: which matcher, and for `tail` its character class and length. */
export interface Shape {
  kind: NonNullable<DetectionRule['shape']>;
  accept: (u: number) => boolean;
  min: number;
}

/** The kinds as strings of the code itself (compared by identity, unlike those of a JSON policy). */
const KINDS = {
  tail: 'tail',
  jwt: 'jwt',
  'event-handler': 'event-handler',
  pem: 'pem',
  'sql-concatenation': 'sql-concatenation',
} as const;

export function shapeOf(rule: DetectionRule): Shape | undefined {
  if (!rule.shape) return undefined;
  const tail = rule.tail;
  return {
    kind: KINDS[rule.shape],
    accept: tail ? CHARSETS[tail.charset] : isAlnum,
    min: tail?.min ?? 0,
  };
}

export interface ShapeText {
  units: Uint16Array;
  length: number;
}

function run(text: ShapeText, from: number, accept: (u: number) => boolean): number {
  let i = from;
  const limit = Math.min(text.length, from + MAX_RUN);
  while (i < limit && accept(text.units[i])) i += 1;
  return i;
}

function tail(shape: Shape, text: ShapeText, end: number): number {
  const stop = run(text, end, shape.accept);
  return stop - end >= shape.min ? stop : -Math.max(stop, end);
}

/** header.payload.signature, base64url, the header starting `eyJ` (`{"`). */
function jwt(text: ShapeText, start: number): number {
  const header = run(text, start, isBase64Url);
  if (header - start < 10 || text.units[header] !== 46) return -Math.max(header, start + 1);
  const payload = run(text, header + 1, isBase64Url);
  if (payload - header - 1 < 10 || text.units[payload] !== 46) return -header;
  return run(text, payload + 1, isBase64Url);
}

/** `on<letters> =`: an HTML event-handler attribute (the hit is the `on`). */
function eventHandler(text: ShapeText, end: number): number {
  let i = end;
  const limit = Math.min(text.length, end + 30);
  while (i < limit && isLower(text.units[i])) i += 1;
  if (i - end < 3) return -i;
  if (text.units[i] === 32 || text.units[i] === 47) i += 1;
  return text.units[i] === 61 ? i + 1 : -i;
}

/** Where `needle` (ASCII) next occurs from `from`, within `limit` units, or -1. */
function find(text: ShapeText, needle: string, from: number, limit: number): number {
  const stop = Math.min(text.length - needle.length, from + limit);
  const first = needle.charCodeAt(0);
  for (let i = from; i <= stop; i += 1) {
    if (text.units[i] !== first) continue;
    let k = 1;
    while (k < needle.length && text.units[i + k] === needle.charCodeAt(k)) k += 1;
    if (k === needle.length) return i;
  }
  return -1;
}

/** A PEM block from `-----begin` to the end of its `-----end … -----` line (bounded). */
const MAX_PEM = 16384;
function pem(text: ShapeText, end: number): number {
  const close = find(text, '-----end', end, MAX_PEM);
  if (close < 0) return end;
  const after = find(text, '-----', close + 8, 80);
  return after < 0 ? close + 8 : after + 5;
}

const SQL_LINE = 240;
const QUOTES = new Set([34, 39, 96]);
const SQL_CLAUSES = [' from ', ' into ', ' set ', ' where ', ' values'];

/**
 * A SQL statement written as a string and completed by concatenation or interpolation on the
 * same line: the hit (`select`, `insert`, `update`, `delete` just after a quote) must be
 * followed by a clause keyword and then by `' +`, `" +`, `${`, `' .`, `" %` or an f-string
 * brace before the line ends.
 */
function sqlConcatenation(text: ShapeText, start: number, end: number, line: number): number {
  const quote = text.units[start - 1];
  const fString = text.units[start - 2] === 102; // f"select …"
  if (!QUOTES.has(quote)) return -end;
  const lineEnd = Math.min(line, end + SQL_LINE);
  let clause = -1;
  for (const keyword of SQL_CLAUSES) {
    const at = find(text, keyword, end, lineEnd - end);
    if (at >= 0 && (clause < 0 || at < clause)) clause = at;
  }
  if (clause < 0) return -lineEnd;
  for (let i = clause; i < lineEnd; i += 1) {
    const u = text.units[i];
    if (u === 36 && text.units[i + 1] === 123 && quote === 96) return i + 2; // `…${x}
    if (u === 123 && fString) return i + 1; // f"…{x}"
    if (u !== quote) continue;
    let k = i + 1;
    if (text.units[k] === 32) k += 1;
    const next = text.units[k];
    // `' +`, `" .` (PHP), `" %` (Python), `' ||` (SQL)
    if (next === 43 || next === 46 || next === 37 || (next === 124 && text.units[k + 1] === 124)) {
      return k + 1;
    }
  }
  return -lineEnd;
}

/** `lineEnd`: where the hit's line ends (the normalised text keeps line breaks aside). */
export function matchShape(
  shape: Shape,
  text: ShapeText,
  start: number,
  end: number,
  lineEnd: number,
): number {
  switch (shape.kind) {
    case 'tail':
      return tail(shape, text, end);
    case 'jwt':
      return jwt(text, start);
    case 'event-handler':
      return eventHandler(text, end);
    case 'pem':
      return pem(text, end);
    case 'sql-concatenation':
      return sqlConcatenation(text, start, end, lineEnd);
    default:
      return end;
  }
}
