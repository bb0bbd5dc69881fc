/**
 * Token counts when a provider reports none: about four characters (or bytes) a token. One
 * rule for every protocol, shared by the simulator and the providers' estimates, so an
 * estimate is always recognisable as one.
 */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Output received as raw bytes (a body cut short): the same rule, and 0 for nothing received. */
export function estimateTokensFromBytes(bytes: number): number {
  return Math.ceil(Math.max(0, bytes) / 4);
}
