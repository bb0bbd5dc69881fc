/**
 * Token counts when a provider reports none: about four characters (or bytes) a token. One
 * rule for every protocol, shared by the simulator and the providers' estimates, so an
 * estimate is always recognisable as one.
 */
export function estimateTokens(text: string): number {
  return Math.max(1, estimateTokensOfLength(text.length));
}

/** The same rule for a length in characters or bytes (a reply cut short); 0 for nothing. */
export function estimateTokensOfLength(length: number): number {
  return Math.ceil(Math.max(0, length) / 4);
}

/** The text of a request as the model reads it: the system prompt and every message. */
export function promptText(system: string, messages: readonly { content: string }[]): string {
  return system + messages.map((m) => m.content).join('');
}

/** Usage as a provider reported it, either part possibly missing. */
export interface ReportedUsage {
  input?: number | null;
  output?: number | null;
}

/**
 * A reply's usage: what the provider reported, each missing part estimated from the text sent
 * and received (then `usageReported: false`).
 */
export function completionUsage(
  reported: ReportedUsage | undefined | null,
  sent: string,
  reply: string,
): { inputTokens: number; outputTokens: number; usageReported: boolean } {
  const input = reported?.input;
  const output = reported?.output;
  return {
    inputTokens: typeof input === 'number' ? input : estimateTokens(sent),
    outputTokens: typeof output === 'number' ? output : estimateTokens(reply),
    usageReported: typeof input === 'number' && typeof output === 'number',
  };
}
