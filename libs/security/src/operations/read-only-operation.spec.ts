import { DomainError } from '@techsapo/core';
import { assertReadOnlyOperation } from './read-only-operation';

describe('assertReadOnlyOperation', () => {
  it('lets read, analyze and suggest through', () => {
    for (const op of ['read', 'analyze', 'Suggest '])
      expect(() => assertReadOnlyOperation(op)).not.toThrow();
  });

  it.each(['write', 'execute', 'modify', 'delete', 'chmod'])(
    'refuses %s with 403 mcp-operation-forbidden',
    (op) => {
      try {
        assertReadOnlyOperation(op);
        throw new Error('not refused');
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ code: 'mcp-operation-forbidden', status: 403 });
      }
    },
  );
});
