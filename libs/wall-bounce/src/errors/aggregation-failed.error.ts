import { DomainError } from '@techsapo/core';

/** Neither the aggregator nor the fallback aggregator produced a usable final answer. */
export class AggregationFailedError extends DomainError {
  constructor(reasons: string[]) {
    super(
      'aggregation-failed',
      503,
      'Aggregation failed',
      'No aggregator produced a usable final answer.',
      { extensions: { reasons } },
    );
  }
}
