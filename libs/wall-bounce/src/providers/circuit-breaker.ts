import type { CircuitState } from './provider.types';

/**
 * Per-provider circuit: opens after `failures` consecutive failures, stays open `resetMs`,
 * then lets one trial call through (half-open); its outcome closes or reopens the circuit.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private current: CircuitState = 'closed';

  constructor(
    private readonly failures: number,
    private readonly resetMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.resetMs) return 'half-open';
    return this.current;
  }

  /** Whether a call may start now; a half-open circuit admits one call at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    this.current = 'half-open';
    return true;
  }

  success(): void {
    this.consecutive = 0;
    this.trialInFlight = false;
    this.current = 'closed';
  }

  failure(): void {
    this.consecutive += 1;
    const wasTrial = this.trialInFlight;
    this.trialInFlight = false;
    if (wasTrial || this.consecutive >= this.failures) {
      this.current = 'open';
      this.openedAt = this.now();
    }
  }

  /** A call that ended without saying anything about the provider (cancelled, refused locally). */
  release(): void {
    if (this.trialInFlight) {
      this.trialInFlight = false;
      this.current = 'open';
      this.openedAt = this.now() - this.resetMs; // let the next call be the trial
    }
  }
}
