import {
  McpArgumentsRejectedError,
  McpOperationForbiddenError,
  McpQuotaExceededError,
} from '../errors/mcp.errors';
import { refusalEventOf } from './refusal-event';

describe('refusalEventOf', () => {
  it('reports a forbidden operation as a medium policy refusal', () => {
    expect(
      refusalEventOf(new McpOperationForbiddenError('fs', 'write_file', 'not-read-only')),
    ).toEqual({ violationType: 'FORBIDDEN_OPERATION', severity: 'MEDIUM' });
  });

  it('reports a refused path or command as a high attack', () => {
    expect(refusalEventOf(new McpArgumentsRejectedError('path', []))).toEqual({
      violationType: 'PATH_TRAVERSAL',
      severity: 'HIGH',
    });
    expect(refusalEventOf(new McpArgumentsRejectedError('command', []))).toEqual({
      violationType: 'COMMAND_INJECTION',
      severity: 'HIGH',
    });
  });

  it('reports nothing for refusals that are not attacks, nor for checks it does not know', () => {
    expect(refusalEventOf(new McpQuotaExceededError('file-reads', 10, 60, 5))).toBeUndefined();
    expect(refusalEventOf(new McpArgumentsRejectedError('content', []))).toBeUndefined();
    expect(refusalEventOf(new McpArgumentsRejectedError('constructor', []))).toBeUndefined();
  });
});
