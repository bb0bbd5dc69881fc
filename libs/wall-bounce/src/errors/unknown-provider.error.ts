import { DomainError } from '@techsapo/core';

export class UnknownProviderError extends DomainError {
  constructor(names: string[]) {
    super(
      'unknown-provider',
      400,
      'Unknown provider',
      `No provider is configured under the name(s): ${names.join(', ')}.`,
      { errors: names.map(() => ({ field: 'providers', message: 'unknown provider' })) },
    );
  }
}
