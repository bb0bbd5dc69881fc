import { DomainError } from '@techsapo/core';

/** SM3: what the system may do with anything it receives. */
export const ALLOWED_OPERATIONS = ['read', 'analyze', 'suggest'] as const;
export const DENIED_OPERATIONS = ['write', 'execute', 'modify', 'delete'] as const;
export type AllowedOperation = (typeof ALLOWED_OPERATIONS)[number];

/**
 * Refuses a declared operation that would change or run something (403
 * `mcp-operation-forbidden`); the MCP proxy calls it for every tool invocation.
 */
export function assertReadOnlyOperation(operation: string): asserts operation is AllowedOperation {
  const normalized = operation.trim().toLowerCase();
  if ((ALLOWED_OPERATIONS as readonly string[]).includes(normalized)) return;
  const denied = (DENIED_OPERATIONS as readonly string[]).includes(normalized);
  throw new DomainError(
    'mcp-operation-forbidden',
    403,
    'Operation forbidden',
    denied
      ? `The operation "${normalized}" is not allowed: this system only reads, analyzes and suggests.`
      : `The operation "${operation.slice(0, 40)}" is unknown; only read, analyze and suggest are allowed.`,
    {
      extensions: {
        allowedOperations: [...ALLOWED_OPERATIONS],
        deniedOperations: [...DENIED_OPERATIONS],
      },
    },
  );
}
