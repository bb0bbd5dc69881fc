import { extractJsonObject } from './json-reply';

export interface ParsedRanking {
  /** Labels best first, each known and at most once; may be partial. */
  ranking: string[];
  critique?: string;
  /** How it was read: the strict JSON, the tolerant text fallback, or not at all. */
  parsedBy: 'json' | 'fallback' | 'none';
}

/** Accepts "Response B", "B", "response b"; returns the canonical label or undefined. */
function canonical(value: unknown, labels: readonly string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return labels.find(
    (l) => l.toLowerCase() === v || l.slice('Response '.length).toLowerCase() === v,
  );
}

/**
 * A reviewer's ranking: strict JSON `{ "ranking": [...] }` first; otherwise the labels in the
 * order they are first named in the text (after a "ranking" heading when there is one), the
 * way the llm-council reference tolerates free-form rankings.
 */
export function parseRanking(text: string, labels: readonly string[]): ParsedRanking {
  const json = extractJsonObject(text);
  if (json && Array.isArray(json.ranking)) {
    const ranking = unique(json.ranking.map((r) => canonical(r, labels)));
    if (ranking.length >= Math.min(2, labels.length)) {
      return {
        ranking,
        critique: typeof json.critique === 'string' ? json.critique.slice(0, 2000) : undefined,
        parsedBy: 'json',
      };
    }
  }
  const heading = text.toLowerCase().lastIndexOf('ranking');
  const tail = heading >= 0 ? text.slice(heading) : text;
  const found = unique(
    [...tail.matchAll(/response\s+([A-Z]{1,2})\b/gi)].map((m) => canonical(m[1], labels)),
  );
  const ranking =
    found.length >= 2
      ? found
      : unique(
          [...text.matchAll(/response\s+([A-Z]{1,2})\b/gi)].map((m) => canonical(m[1], labels)),
        );
  if (ranking.length >= Math.min(2, labels.length)) return { ranking, parsedBy: 'fallback' };
  return { ranking: [], parsedBy: 'none' };
}

function unique(values: (string | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const v of values) if (v !== undefined) seen.add(v);
  return [...seen];
}
