import { DomainError } from '@techsapo/core';

export type DecryptionFailure = 'malformed-envelope' | 'unknown-key' | 'authentication-failed';

const DETAIL: Record<DecryptionFailure, string> = {
  'malformed-envelope': 'The stored value is not an encryption envelope.',
  'unknown-key': 'The stored value was encrypted with a key this instance does not hold.',
  'authentication-failed':
    'The stored value failed authentication: it was altered, or is bound to another record.',
};

/**
 * Stored data that cannot be decrypted is an incident (tampering or a lost key), never a value
 * to pass on: a 500 whose detail is hidden from clients and whose `failure` says which case.
 */
export class DecryptionFailedError extends DomainError {
  constructor(
    readonly failure: DecryptionFailure,
    readonly keyId?: string,
  ) {
    super('decryption-failed', 500, 'Decryption failed', DETAIL[failure]);
  }
}
