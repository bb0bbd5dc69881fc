import type { RawCompletion } from '../../providers/provider.types';

export interface ParsedRanking {
  /** Labels best first, each known and at most once; may be partial. */
  ranking: string[];
  critique?: string;
  /** How it was read: the structured object, the tolerant prose reading, or not at all. */
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

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/**
 * A reviewer's ranking: the object it returned through structured output; otherwise (a
 * reviewer that answered in prose) the labels in the order they are first named, after a
 * "ranking" heading when there is one, the way the llm-council reference reads free text.
 */
export function readRanking(
  reply: Pick<RawCompletion, 'text' | 'json' | 'structured'>,
  labels: readonly string[],
): ParsedRanking {
  const enough = Math.min(2, labels.length);
  const json = reply.structured !== 'none' ? reply.json : undefined;
  if (json && Array.isArray(json.ranking)) {
    const ranking = unique(json.ranking.map((r) => canonical(r, labels)));
    if (ranking.length >= enough) {
      return {
        ranking,
        critique: typeof json.critique === 'string' ? json.critique.slice(0, 2000) : undefined,
        parsedBy: 'json',
      };
    }
  }
  const text = reply.text;
  const named = (from: string) =>
    unique([...from.matchAll(/response\s+([A-Z]{1,2})\b/gi)].map((m) => canonical(m[1], labels)));
  const heading = text.toLowerCase().lastIndexOf('ranking');
  const afterHeading = heading >= 0 ? named(text.slice(heading)) : [];
  const ranking = afterHeading.length >= 2 ? afterHeading : named(text);
  if (ranking.length >= enough) return { ranking, parsedBy: 'fallback' };
  return { ranking: [], parsedBy: 'none' };
}
