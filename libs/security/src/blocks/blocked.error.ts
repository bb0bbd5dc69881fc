import { DomainError } from '@techsapo/core';
import type { Block } from './block';

/** 403 `blocked`, naming the kind of block, its reason and its end. */
export class BlockedError extends DomainError {
  constructor(readonly block: Pick<Block, 'kind' | 'expiresAt' | 'reason'>) {
    super(
      'blocked',
      403,
      'Forbidden',
      `Access is blocked (${block.kind}) until ${block.expiresAt}: ${block.reason}`,
      {
        extensions: {
          block: { kind: block.kind, reason: block.reason, expiresAt: block.expiresAt },
        },
      },
    );
  }
}
