import { Injectable } from '@nestjs/common';

/** Removes what is older than `cutoff`; returns how many items it removed. */
export type RetentionPurge = (cutoff: Date) => Promise<number>;

/**
 * DP4: every capability that stores processed data registers how to purge it; the retention
 * job calls them all with the same cutoff (RETENTION_DAYS ago).
 */
@Injectable()
export class RetentionRegistry {
  private readonly purges = new Map<string, RetentionPurge>();

  register(name: string, purge: RetentionPurge): void {
    this.purges.set(name, purge);
  }

  entries(): [string, RetentionPurge][] {
    return [...this.purges.entries()];
  }
}
