import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { auditConfig } from '../config/audit.config';
import { AuditChain } from '../trail/audit-chain';
import { AuditStore } from '../trail/audit-store';
import { RetentionLockStore } from './retention-lock.store';
import { RetentionRegistry } from './retention.registry';

const DAY_MS = 86_400_000;
const FIRST_RUN_DELAY_MS = 10_000;
const LOCK_TTL_MS = 10 * 60_000;

export interface RetentionRun {
  /** False when another instance held the lock: it is doing the work. */
  ran: boolean;
  cutoff: string;
  removed: Record<string, number>;
  failed: string[];
}

/**
 * DP4: removes audit entries and registered processed data older than RETENTION_DAYS, on a
 * timer, on one instance at a time (RetentionLockStore). Audit entries go through the store's trim,
 * which anchors the chain at the last removed entry so verification keeps working. Shutdown
 * waits for a run that is going, so it never ends with Redis closed under it and its lock held.
 * It is not `asBackgroundWork`: that storage would turn Node's promise hooks on for every
 * request of the process from the first run on (a run failed by a Redis failover is retried at
 * the next interval).
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionJob.name);
  private timers: NodeJS.Timeout[] = [];
  private running?: Promise<void>;

  constructor(
    private readonly lock: RetentionLockStore,
    private readonly store: AuditStore,
    private readonly chain: AuditChain,
    private readonly registry: RetentionRegistry,
    @Inject(auditConfig.factory.KEY)
    private readonly config: ConfigType<typeof auditConfig.factory>,
  ) {}

  onApplicationBootstrap(): void {
    const run = (): void => {
      // A run still going when the next is due (a long purge): that next one is skipped.
      if (this.running) return;
      this.running = this.run()
        .then(
          () => undefined,
          (error: unknown) => this.logger.error({ err: error }, 'retention run failed'),
        )
        .finally(() => (this.running = undefined));
    };
    this.timers = [
      setTimeout(run, Math.min(FIRST_RUN_DELAY_MS, this.config.retentionIntervalMs)),
      setInterval(run, this.config.retentionIntervalMs),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** No new run; the one going finishes while Redis is still there. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.running;
  }

  /** One purge with the cutoff RETENTION_DAYS before `now`. */
  async run(now = new Date()): Promise<RetentionRun> {
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    const result: RetentionRun = {
      ran: false,
      cutoff: cutoff.toISOString(),
      removed: {},
      failed: [],
    };
    const token = randomUUID();
    if (!(await this.lock.acquire(token, LOCK_TTL_MS))) return result;
    result.ran = true;
    try {
      const purges: [string, (cutoff: Date) => Promise<number>][] = [
        ['audit', (c) => this.trimAudit(c)],
        ...this.registry.entries(),
      ];
      for (const [name, purge] of purges) {
        try {
          result.removed[name] = await purge(cutoff);
        } catch (error) {
          result.failed.push(name);
          this.logger.error({ err: error, purge: name }, 'retention purge failed');
        }
      }
    } finally {
      await this.lock.release(token);
    }
    if (Object.values(result.removed).some((n) => n > 0) || result.failed.length > 0)
      this.logger.log({ retention: result }, 'retention run');
    return result;
  }

  private async trimAudit(cutoff: Date): Promise<number> {
    const last = await this.store.lastBefore(cutoff.getTime());
    if (!last) return 0;
    if (last.unreadable) throw new Error(`audit entry ${last.streamId} is unreadable: not trimmed`);
    const before = await this.store.length();
    const link = { seq: last.entry.seq, hash: last.entry.hash };
    await this.store.trimThrough(last, this.chain.signLink(link));
    return before - (await this.store.length());
  }
}
