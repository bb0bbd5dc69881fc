import { Injectable } from '@nestjs/common';

export interface ReadinessResult {
  ok: boolean;
  /** Shown in /health/ready: keep it free of secrets and internals. */
  detail?: Record<string, unknown>;
}

export type ReadinessCheck = () => Promise<ReadinessResult>;

/**
 * Each capability registers what it needs to be ready (redis, queue, integrity, providers);
 * /health/ready reports them all.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, ReadinessCheck][] {
    return [...this.checks.entries()];
  }
}
