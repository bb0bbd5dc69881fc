/**
 * Characters a reader cannot see but a model reads: Unicode tag characters (U+E0000–E007F,
 * which spell hidden ASCII), bidirectional controls (which reorder what is shown) and
 * zero-width characters. Upstream descriptions, schemas and results have no use for them.
 */
export type InvisibleKind = 'tag' | 'bidi' | 'zero-width';

const PATTERNS: [InvisibleKind, RegExp][] = [
  ['tag', /[\u{E0000}-\u{E007F}]/gu],
  ['bidi', /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g],
  ['zero-width', /[\u180E\u200B-\u200D\u2060\uFEFF]/g],
];

export interface StrippedText {
  text: string;
  /** Which kinds were found (empty when the text was clean). */
  found: InvisibleKind[];
}

export function stripInvisible(text: string): StrippedText {
  const found: InvisibleKind[] = [];
  let out = text;
  for (const [kind, pattern] of PATTERNS) {
    const next = out.replace(pattern, '');
    if (next !== out) found.push(kind);
    out = next;
  }
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
