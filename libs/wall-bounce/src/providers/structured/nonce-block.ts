import { randomBytes } from 'node:crypto';
import type { OutputSchema } from '../provider.types';

/** A fresh marker per call: text written elsewhere (other models' answers) cannot carry it. */
export function drawNonce(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The instruction added to the system prompt when a provider is asked for structured output
 * by prompt: one fenced block opened by a line carrying this call's nonce.
 */
export function nonceBlockInstruction(output: OutputSchema, nonce: string): string {
  return [
    'Reply format: write your reply as exactly one fenced block. Its opening line is',
    `\`\`\`json ${nonce}`,
    'and its closing line is ```. Inside it put one JSON object, ' +
      `"${output.name}" (${output.description}), that matches this JSON Schema:`,
    JSON.stringify(output.schema),
    'Only that block is read; write the opening line exactly once.',
  ].join('\n');
}

const isOpening = (line: string, nonce: string): boolean => {
  const parts = line.trim().split(/[ \t]+/);
  return parts.length === 2 && parts[0] === '```json' && parts[1] === nonce;
};

/**
 * The content of the one block whose opening line carries the nonce, or why there is none.
 * Blocks without the nonce (quoted from elsewhere, or look-alikes) are never read. An unclosed
 * block runs to the end of the reply.
 */
export function readNonceBlock(
  text: string,
  nonce: string,
): { content: string } | { reason: string } {
  const lines = text.split('\n');
  const openings = lines.flatMap((line, i) => (isOpening(line, nonce) ? [i] : []));
  if (openings.length === 0) return { reason: "no block marked with this call's nonce" };
  if (openings.length > 1)
    return { reason: `${openings.length} blocks marked with this call's nonce` };
  const body = lines.slice(openings[0] + 1);
  const close = body.findIndex((line) => line.trim() === '```');
  return { content: (close < 0 ? body : body.slice(0, close)).join('\n') };
}

/** Longer than this, a line cannot be the opening line: it is skipped, not kept. */
const MAX_OPENING_LINE = 256;

/**
 * The streaming side of readNonceBlock: passes on, as it arrives, the text that follows the
 * first opening line carrying the nonce (the JSON streamer after it stops at the end of the
 * object, so the closing fence needs no handling here).
 */
export class NonceBlockFilter {
  private line = '';
  private skipping = false;
  private inside = false;

  constructor(
    private readonly nonce: string,
    private readonly onContent: (text: string) => void,
  ) {}

  write(piece: string): void {
    if (this.inside) {
      this.onContent(piece);
      return;
    }
    let rest = piece;
    for (let newline = rest.indexOf('\n'); newline >= 0; newline = rest.indexOf('\n')) {
      const line = this.line + rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      const opening = !this.skipping && isOpening(line, this.nonce);
      this.line = '';
      this.skipping = false;
      if (opening) {
        this.inside = true;
        if (rest) this.onContent(rest);
        return;
      }
    }
    if (this.skipping) return;
    this.line += rest;
    if (this.line.length > MAX_OPENING_LINE) {
      this.line = '';
      this.skipping = true;
    }
  }
}
