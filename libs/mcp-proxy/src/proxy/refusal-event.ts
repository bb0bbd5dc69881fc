import type { Severity } from '@techsapo/audit';
import type { DomainError } from '@techsapo/core';
import { McpArgumentsRejectedError, McpOperationForbiddenError } from '../errors/mcp.errors';

export interface RefusalEvent {
  violationType: string;
  severity: Severity;
}

/** A forbidden operation is a policy refusal; a path or a command in an argument is an attack. */
const FORBIDDEN_OPERATION: RefusalEvent = {
  violationType: 'FORBIDDEN_OPERATION',
  severity: 'MEDIUM',
};

/** Arguments refused by their name or path, by the check that refused them. */
const ARGUMENT_REFUSALS: ReadonlyMap<string, RefusalEvent> = new Map([
  ['path', { violationType: 'PATH_TRAVERSAL', severity: 'HIGH' }],
  ['command', { violationType: 'COMMAND_INJECTION', severity: 'HIGH' }],
]);

/**
 * The security event a refused call is reported as, or undefined when the refusal is not one
 * (a quota, an approval, an argument refused for its content: the argument guard reported it).
 */
export function refusalEventOf(error: DomainError): RefusalEvent | undefined {
  if (error instanceof McpOperationForbiddenError) return FORBIDDEN_OPERATION;
  if (error instanceof McpArgumentsRejectedError) return ARGUMENT_REFUSALS.get(error.check);
  return undefined;
}
