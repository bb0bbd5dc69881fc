/**
 * How one character folds for matching: NFKC, lower case, look-alikes of separators and
 * operators mapped to the ASCII character they imitate, invisible characters dropped,
 * whitespace marked. Computed once per BMP character and kept in a table, so folding costs a
 * table read per character instead of a normalisation call.
 */

/** Table entries below 0x10000 are the one unit a character folds to; these are the others. */
const UNKNOWN = -1;
const SPACE = -2;
const LINE_BREAK = -3;
const DROP = -4;
/** Characters the fold looks at itself: `/` (SQL's empty comment), `+`, a high surrogate. */
const SLASH = -5;
const PLUS = -6;
const HIGH_SURROGATE = -7;
/** Entries from MULTI on index `expansions` (characters that fold to several units). */
const MULTI = 0x10000;

/**
 * Characters that imitate a separator or an operator without being one to NFKC: division and
 * fraction slashes in `..∕..∕etc∕passwd`, reverse-solidus operators, one-dot leaders, quotes
 * and dashes a database or a shell may read as their ASCII twins.
 */
const LOOK_ALIKES: Record<number, string> = {
  0x2215: '/', // DIVISION SLASH
  0x2044: '/', // FRACTION SLASH
  0x29f8: '/', // BIG SOLIDUS
  0x2571: '/', // BOX DRAWINGS LIGHT DIAGONAL UPPER RIGHT TO LOWER LEFT
  0x27cb: '/', // MATHEMATICAL RISING DIAGONAL
  0x2216: '\\', // SET MINUS
  0x29f5: '\\', // REVERSE SOLIDUS OPERATOR
  0x29f9: '\\', // BIG REVERSE SOLIDUS
  0x2572: '\\', // BOX DRAWINGS LIGHT DIAGONAL UPPER LEFT TO LOWER RIGHT
  0x27cd: '\\', // MATHEMATICAL FALLING DIAGONAL
  0x2024: '.', // ONE DOT LEADER (NFKC keeps it)
  0x2025: '..', // TWO DOT LEADER
  0x2027: '.', // HYPHENATION POINT
  0x02bc: "'", // MODIFIER LETTER APOSTROPHE
  0x02b9: "'", // MODIFIER LETTER PRIME
  0x2018: "'",
  0x2019: "'",
  0x201a: "'",
  0x201b: "'",
  0x2032: "'", // PRIME
  0x201c: '"',
  0x201d: '"',
  0x201e: '"',
  0x201f: '"',
  0x2033: '"', // DOUBLE PRIME
  0x2010: '-',
  0x2011: '-',
  0x2012: '-',
  0x2013: '-',
  0x2212: '-', // MINUS SIGN
  0x02c2: '<', // MODIFIER LETTER LEFT ARROWHEAD
  0x02c3: '>',
  0x1438: '<', // CANADIAN SYLLABICS PA
  0x1433: '>',
  0x2236: ':', // RATIO
  0xa789: ':', // MODIFIER LETTER COLON
  0x2217: '*', // ASTERISK OPERATOR
  0x204e: '*', // LOW ASTERISK
  0x01c0: '|', // LATIN LETTER DENTAL CLICK
  0x2223: '|', // DIVIDES
  0xa78a: '=', // MODIFIER LETTER SHORT EQUALS SIGN
  0x2768: '(', // MEDIUM LEFT PARENTHESIS ORNAMENT
  0x2769: ')',
};

const INVISIBLE = (cp: number): boolean =>
  cp === 0xad ||
  cp === 0x34f ||
  cp === 0x180e ||
  (cp >= 0x200b && cp <= 0x200f) ||
  (cp >= 0x202a && cp <= 0x202e) ||
  (cp >= 0x2060 && cp <= 0x2064) ||
  (cp >= 0x2066 && cp <= 0x206f) ||
  (cp >= 0xfe00 && cp <= 0xfe0f) ||
  cp === 0xfeff;

const LINE_BREAKS = (cp: number): boolean => cp === 0x85 || cp === 0x2028 || cp === 0x2029;

const SPACES = (cp: number): boolean =>
  (cp >= 0x80 && cp <= 0x9f) ||
  cp === 0xa0 ||
  cp === 0x1680 ||
  (cp >= 0x2000 && cp <= 0x200a) ||
  cp === 0x202f ||
  cp === 0x205f ||
  cp === 0x3000;

/** The fold of a whole string of characters (look-alikes applied after NFKC too). */
function foldString(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase();
  let out = '';
  for (const ch of folded) out += LOOK_ALIKES[ch.codePointAt(0) as number] ?? ch;
  return out;
}

const bmp = new Int32Array(0x10000).fill(UNKNOWN);
const expansions: string[] = [];

/** ASCII: lower case; control characters and whitespace as space or line break. */
for (let unit = 0; unit < 128; unit += 1) {
  if (unit === 10 || unit === 13) bmp[unit] = LINE_BREAK;
  else if (unit <= 32 || unit === 127) bmp[unit] = SPACE;
  else bmp[unit] = unit >= 65 && unit <= 90 ? unit + 32 : unit;
}
bmp[47] = SLASH;
bmp[43] = PLUS;

function entryFor(folded: string): number {
  if (folded.length === 0) return DROP;
  // A look-alike of `/` or `+` (`／`, `＋`) is looked at like the character itself.
  if (folded === '/') return SLASH;
  if (folded === '+') return PLUS;
  if (folded.length === 1) return folded.charCodeAt(0);
  expansions.push(folded);
  return MULTI + expansions.length - 1;
}

/** The table entry of a BMP unit (a lone low surrogate folds to itself). */
function foldUnit(unit: number): number {
  const known = bmp[unit];
  if (known !== UNKNOWN) return known;
  let entry: number;
  if (INVISIBLE(unit)) entry = DROP;
  else if (LINE_BREAKS(unit)) entry = LINE_BREAK;
  else if (SPACES(unit)) entry = SPACE;
  else if (unit >= 0xd800 && unit <= 0xdbff) entry = HIGH_SURROGATE;
  else if (unit >= 0xdc00 && unit <= 0xdfff) entry = unit;
  else entry = entryFor(LOOK_ALIKES[unit] ?? foldString(String.fromCharCode(unit)));
  bmp[unit] = entry;
  return entry;
}

const astral = new Map<number, string>();
const MAX_ASTRAL_CACHE = 4096;

/**
 * The fold of a supplementary-plane code point: mathematical letters fold to ASCII through
 * NFKC; Unicode tag characters (U+E0020–E007E, used to smuggle invisible ASCII into prompts)
 * fold to the ASCII they encode, so a hidden instruction is matched like a visible one.
 */
function foldCodePoint(cp: number): string {
  let folded = astral.get(cp);
  if (folded === undefined) {
    if (cp >= 0xe0020 && cp <= 0xe007e) folded = foldString(String.fromCharCode(cp - 0xe0000));
    else if (INVISIBLE(cp) || (cp >= 0xe0000 && cp <= 0xe0fff)) folded = '';
    else folded = foldString(String.fromCodePoint(cp));
    if (astral.size < MAX_ASTRAL_CACHE) astral.set(cp, folded);
  }
  return folded;
}

/** The special entries of the table: negative, or MULTI and above for an expansion. */
const CODES = { UNKNOWN, SPACE, LINE_BREAK, DROP, SLASH, PLUS, HIGH_SURROGATE, MULTI } as const;

/**
 * The table and its codes, as one object: the fold loop copies them into locals once, since
 * every access to a module's export costs a property lookup on the hot path.
 */
export const FOLD_TABLE = {
  entries: bmp,
  expansions,
  fill: foldUnit,
  foldCodePoint,
  ...CODES,
} as const;
