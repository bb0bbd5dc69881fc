import { createHash } from 'node:crypto';

/** What the OpenAI and Anthropic tool APIs accept as a tool name. */
export const CLIENT_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Separator of `<server>__<tool>` in the names MCP clients see. */
export const TOOL_SEPARATOR = '__';

function digest(server: string, tool: string, length: number): string {
  return createHash('sha256').update(`${server}\u0000${tool}`).digest('hex').slice(0, length);
}

/**
 * The name clients see for an upstream tool: `<server>__<tool>` when that is already a valid
 * client tool name; otherwise its characters outside `[a-zA-Z0-9_-]` become `_`, it is cut so
 * that `_` and a digest of the upstream name fit in 64 characters. The digest makes the name
 * stable (the same upstream name always maps alike) and keeps two names that clean up alike
 * apart; `wide` asks for a longer digest, for the one collision in 2^32 that remains.
 */
export function clientToolName(server: string, tool: string, wide = false): string {
  const plain = `${server}${TOOL_SEPARATOR}${tool}`;
  if (CLIENT_TOOL_NAME.test(plain)) return plain;
  const suffix = `_${digest(server, tool, wide ? 16 : 8)}`;
  return plain.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64 - suffix.length) + suffix;
}
