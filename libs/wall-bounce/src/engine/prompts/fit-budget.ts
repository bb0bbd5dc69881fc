/**
 * Bytes of prompt text (question, answers, reviews) one request may carry, as they are sent
 * (JSON-escaped), leaving room under the 1 MiB request limit for instructions and the envelope.
 */
export const PROMPT_TEXT_BUDGET = 900_000;

const CUT_MARK = '\n[… cut to fit the request limit]';

/** Size of a text once JSON-encoded in a request body (quotes, backslashes and controls grow). */
export function encodedBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/** Cuts a text so that its encoded size is at most `maxBytes`, on a character boundary. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (encodedBytes(text) <= maxBytes) return text;
  const room = Math.max(0, maxBytes - encodedBytes(CUT_MARK));
  const raw = Buffer.from(text);
  // Start from the raw/encoded ratio, then shrink until the escaped form fits.
  let bytes = Math.floor((room * raw.length) / encodedBytes(text));
  for (;;) {
    let cut = raw.subarray(0, bytes).toString('utf8');
    if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1); // a character split in two
    if (encodedBytes(cut) <= room || bytes === 0) return cut + CUT_MARK;
    bytes = Math.floor(bytes * 0.9);
  }
}

/** True when the texts together exceed the budget (something will be cut). */
export function exceedsBudget(texts: string[], budget = PROMPT_TEXT_BUDGET): boolean {
  return texts.reduce((sum, t) => sum + encodedBytes(t), 0) > budget;
}

/**
 * Shares the budget among texts fairly (water-filling: small texts keep all of theirs, the
 * rest is split evenly among the larger ones) and cuts only what does not fit.
 */
export function fitToBudget(texts: string[], budget = PROMPT_TEXT_BUDGET): string[] {
  const sizes = texts.map(encodedBytes);
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
