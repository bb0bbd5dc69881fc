/**
 * Bytes of prompt text (question, answers, reviews) one request may carry, leaving room under
 * the 1 MiB request limit for instructions, JSON escaping and the protocol envelope.
 */
export const PROMPT_TEXT_BUDGET = 850_000;

const CUT_MARK = '\n[… cut to fit the request limit]';

/** Cuts a text to at most `maxBytes` UTF-8 bytes on a character boundary. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const room = Math.max(0, maxBytes - Buffer.byteLength(CUT_MARK));
  let cut = Buffer.from(text).subarray(0, room).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1); // a character split in two
  return cut + CUT_MARK;
}

/**
 * Shares the budget among texts fairly (water-filling: small texts keep all of theirs, the
 * rest is split evenly among the larger ones) and cuts only what does not fit.
 */
export function fitToBudget(texts: string[], budget = PROMPT_TEXT_BUDGET): string[] {
  const sizes = texts.map((t) => Buffer.byteLength(t));
  const limits = new Array<number>(texts.length).fill(0);
  let remaining = budget;
  let left = texts.length;
  for (const i of sizes.map((_, i) => i).sort((a, b) => sizes[a] - sizes[b])) {
    limits[i] = Math.min(sizes[i], Math.floor(remaining / left));
    remaining -= limits[i];
    left -= 1;
  }
  return texts.map((t, i) => (sizes[i] <= limits[i] ? t : cutToBytes(t, limits[i])));
}
