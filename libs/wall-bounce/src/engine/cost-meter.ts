import { roundUsd } from '../providers/usage-cost';

/**
 * What the analysis has cost (earlier attempts included) against its cap: no provider call is
 * started once the cost has reached it.
 */
export class CostMeter {
  private spent: number;

  constructor(
    earlier = 0,
    readonly capUsd?: number,
  ) {
    this.spent = earlier;
  }

  get spentUsd(): number {
    return this.spent;
  }

  add(costUsd: number): void {
    this.spent = roundUsd(this.spent + costUsd);
  }

  get reached(): boolean {
    return this.capUsd !== undefined && this.spent >= this.capUsd;
  }

  /** The reason a call was not started, naming the cap. */
  get reason(): string {
    return `cost cap reached: ${this.spent} of ${this.capUsd ?? 0} USD spent, no further provider call was started`;
  }
}
