import { ForbiddenError } from '@techsapo/core';
import type { Block } from './block';

export class BlockedError extends ForbiddenError {
  constructor(readonly block: Pick<Block, 'kind' | 'expiresAt'>) {
    super(`Access is blocked (${block.kind}) until ${block.expiresAt}.`, 'blocked');
  }
}
