import { normalize, type NormalizedText } from '../normalize/normalizer';

const CACHED = 4;
const decoder = new TextDecoder('utf-16le');

/** A normalised span without its spaces, so a model that re-indents a line still quotes it. */
export function compactSpan(text: NormalizedText, from: number, to: number): string {
  return decoder.decode(text.units.subarray(from, to)).replaceAll(' ', '');
}

/**
 * The contents under review, in the form quotes are looked up in (normalised like the scanned
 * text, without spaces). The last few are kept, since every answer of an analysis quotes the
 * same content.
 */
export class QuotedSources {
  private readonly cache: { source: string; compact: string }[] = [];

  compacted(source: string): string {
    const hit = this.cache.find((entry) => entry.source === source);
    if (hit) return hit.compact;
    const normalized = normalize(source);
    const entry = { source, compact: compactSpan(normalized, 0, normalized.length) };
    this.cache.unshift(entry);
    if (this.cache.length > CACHED) this.cache.pop();
    return entry.compact;
  }
}
