import { DomainError } from '@techsapo/core';

/** The analysis' AbortSignal fired (cancelled by its owner, or the worker is stopping). */
export class AnalysisCancelledError extends DomainError {
  constructor() {
    super('analysis-cancelled', 409, 'Analysis cancelled', 'The analysis was cancelled.');
  }
}
