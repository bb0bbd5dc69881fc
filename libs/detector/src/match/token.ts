import { normalize, NormalizeWorkspace } from '../normalize/normalizer';

/**
 * A policy token, folded like the text it is matched against, with what may sit beside it:
 * a word edge wants no word character (`[a-z0-9_$]`) beside it; a path edge no path
 * character, so `/app` is not `/application`, `/app-old` or `/app.bak`.
 */
export interface Token {
  text: string;
  wordStart: boolean;
  wordEnd: boolean;
  pathStart: boolean;
  pathEnd: boolean;
  /** An open-ended word token (`writefile*`) reports the whole word it starts. */
  extendWord: boolean;
}

const isWordUnit = (unit: number): boolean =>
  (unit >= 97 && unit <= 122) || (unit >= 48 && unit <= 57) || unit === 95 || unit === 36;
const isPathUnit = (unit: number): boolean => isWordUnit(unit) || unit === 45;

/** The character classes of token edges (one object: hot loops copy them into locals). */
export const TOKEN_UNITS = { isWordUnit, isPathUnit } as const;

/** The buffers tokens are folded in (a policy has thousands; each is read out at once). */
const workspace = new NormalizeWorkspace();

/**
 * Parses a token: a `*` at an edge lifts that edge's boundary. A path token is whole at both
 * ends, except where it ends with `/` (a folder prefix). The text goes through the normaliser
 * itself, so a token and the text it should match fold alike.
 */
export function parseToken(raw: string, paths: boolean): Token {
  const openStart = raw.startsWith('*');
  const openEnd = raw.endsWith('*') && raw.length > 1;
  const body = raw.slice(openStart ? 1 : 0, openEnd ? raw.length - 1 : raw.length);
  const folded = normalize(body, {}, workspace);
  let text = '';
  for (let i = 0; i < folded.length; i += 1) text += String.fromCharCode(folded.units[i]);
  if (text.length === 0) throw new Error(`token "${raw}" is empty once normalised`);
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return {
    text,
    wordStart: !paths && !openStart && isWordUnit(first),
    wordEnd: !paths && !openEnd && isWordUnit(last),
    pathStart: paths && !openStart,
    pathEnd: paths && !openEnd && last !== 47,
    extendWord: openEnd && isWordUnit(last),
  };
}
