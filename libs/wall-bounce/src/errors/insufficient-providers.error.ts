import { DomainError } from '@techsapo/core';

/** Fewer than two peers gave a usable answer: the analysis fails rather than pretend. */
export class InsufficientProvidersError extends DomainError {
  constructor(succeeded: number, reasons: string[], capReached = false) {
    super(
      'insufficient-providers',
      503,
      'Insufficient providers',
      `Only ${succeeded} provider(s) gave a usable answer; at least 2 are required.` +
        (capReached ? ' The cost cap of the analysis was reached before more could be asked.' : ''),
      { extensions: { succeeded, required: 2, reasons } },
    );
  }
}
