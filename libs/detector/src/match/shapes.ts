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

function run(text: string, from: number, accept: (u: number) => boolean): number {
  let i = from;
  const limit = Math.min(text.length, from + MAX_RUN);
  while (i < limit && accept(text.charCodeAt(i))) i += 1;
  return i;
}

function tail(rule: DetectionRule, text: string, end: number): number {
  const { charset, min } = rule.tail as { charset: keyof typeof CHARSETS; min: number };
  const stop = run(text, end, CHARSETS[charset]);
  return stop - end >= min ? stop : -Math.max(stop, end);
}

/** header.payload.signature, base64url, the header starting `eyJ` (`{"`). */
function jwt(text: string, start: number): number {
  const header = run(text, start, isBase64Url);
  if (header - start < 10 || text.charCodeAt(header) !== 46) return -Math.max(header, start + 1);
  const payload = run(text, header + 1, isBase64Url);
  if (payload - header - 1 < 10 || text.charCodeAt(payload) !== 46) return -header;
  const signature = run(text, payload + 1, isBase64Url);
  return signature;
}

/** `on<letters> =`: an HTML event-handler attribute (the hit is the `on`). */
function eventHandler(text: string, end: number): number {
  let i = end;
  const limit = Math.min(text.length, end + 30);
  while (i < limit && isLower(text.charCodeAt(i))) i += 1;
  if (i - end < 3) return -i;
  if (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 47) i += 1;
  return text.charCodeAt(i) === 61 ? i + 1 : -i;
}

/** A PEM block from `-----begin` to the end of its `-----end … -----` line (bounded). */
const MAX_PEM = 16384;
function pem(text: string, end: number): number {
  const close = text.indexOf('-----end', end);
  if (close < 0 || close - end > MAX_PEM) return end;
  const after = text.indexOf('-----', close + 8);
  return after < 0 || after - close > 80 ? close + 8 : after + 5;
}

export function matchShape(rule: DetectionRule, text: string, start: number, end: number): number {
  switch (rule.shape) {
    case 'tail':
      return tail(rule, text, end);
    case 'jwt':
      return jwt(text, start);
    case 'event-handler':
      return eventHandler(text, end);
    case 'pem':
      return pem(text, end);
    default:
      return end;
  }
}
