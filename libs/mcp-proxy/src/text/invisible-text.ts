/**
 * Characters a reader cannot see but a model reads: Unicode tag characters (U+E0000–E007F,
 * which spell hidden ASCII), bidirectional controls (which reorder what is shown) and
 * zero-width characters. Upstream descriptions, schemas and results have no use for them.
 */
export type InvisibleKind = 'tag' | 'bidi' | 'zero-width';

const BIDI = new Set([
  0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);
const ZERO_WIDTH = new Set([0x180e, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);

function kindOf(cp: number): InvisibleKind | undefined {
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag';
  if (BIDI.has(cp)) return 'bidi';
  if (ZERO_WIDTH.has(cp)) return 'zero-width';
  return undefined;
}

/** Any character of the three kinds (tag characters by their lead surrogate, U+DB40). */
const ANY_INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\udb40]/;

export interface StrippedText {
  text: string;
  /** Which kinds were found (empty when the text was clean), in the order tag, bidi, zero-width. */
  found: InvisibleKind[];
}

export function stripInvisible(text: string): StrippedText {
  // A clean text, by far the most common, is passed over at once.
  if (!ANY_INVISIBLE.test(text)) return { text, found: [] };
  const seen = new Set<InvisibleKind>();
  let out = '';
  for (const char of text) {
    const kind = kindOf(char.codePointAt(0) as number);
    if (kind) seen.add(kind);
    else out += char;
  }
  const found = (['tag', 'bidi', 'zero-width'] as const).filter((k) => seen.has(k));
  return { text: out, found };
}

/** A JSON value with every string (object keys too) stripped; `found` collects the kinds met. */
export function stripInvisibleDeep<T>(value: T, found: Set<InvisibleKind>): T {
  const strip = (s: string): string => {
    const r = stripInvisible(s);
    for (const k of r.found) found.add(k);
    return r.text;
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return strip(v);
    if (depth > 32 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [strip(k), walk(x, depth + 1)]),
    );
  };
  return walk(value, 0) as T;
}

/** A definition as clients may see it (every string stripped) and the kinds of hidden text it held. */
export function withoutInvisible<T>(value: T): { exposed: T; hiddenText: InvisibleKind[] } {
  const found = new Set<InvisibleKind>();
  const exposed = stripInvisibleDeep(value, found);
  return { exposed, hiddenText: [...found] };
}
