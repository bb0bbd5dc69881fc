import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { describeError, ReplicatedWrites } from '@techsapo/core';
import type { Counter } from 'prom-client';
import { auditConfig } from '../config/audit.config';
import { AuditChain, type ChainLink } from './audit-chain';
import type { AuditDraft } from './audit-entry';
import { AuditStore } from './audit-store';

export const AUDIT_WRITE_FAILURES = 'techsapo_audit_write_failures_total';
export const AUDIT_ENTRIES = 'techsapo_audit_entries_total';

/** The counters AuditWriter reports to, for every context that builds one. */
export const auditWriterMetricProviders = [
  makeCounterProvider({
    name: AUDIT_WRITE_FAILURES,
    help: 'Audit entries that could not be written to Redis (written to stderr instead)',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: AUDIT_ENTRIES,
    help: 'Audit entries written to the audit stream',
  }),
];

/** During shutdown a failing batch is tried this many times before it goes to stderr. */
const SHUTDOWN_ATTEMPTS = 3;
/** Appends that lost the race to another instance are re-sealed at once, this many times. */
const MAX_CONFLICTS = 100;
/** How far back from the newest entry an append whose answer was lost is looked for. */
const FIND_LIMIT = 10_000;
const FIND_PAGE = 100;

interface Pending {
  draft: AuditDraft;
  attempts: number;
  firstFailureAt?: number;
  /** Appended as part of this batch (its last entry), but no replica acknowledged it yet. */
  appended?: Appended;
  /**
   * The last entry of this batch as sealed for an append that was sent: when its answer was lost
   * (a command timeout), the append may have gone through, and the retry looks for it first.
   */
  sealed?: ChainLink;
}

interface Appended {
  streamId: string;
  hash: string;
}

/**
 * Writes audit entries off the response path: `record()` only queues; a timer seals queued
 * drafts into the chain and appends them in batches. A failed batch stays queued and is
 * retried; an entry that still cannot be written is never dropped silently: it goes to stderr
 * as one JSON line (it holds nothing secret) and `techsapo_audit_write_failures_total` counts it.
 */
@Injectable()
export class AuditWriter implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(AuditWriter.name);
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private closed = false;

  constructor(
    private readonly store: AuditStore,
    private readonly chain: AuditChain,
    private readonly replicated: ReplicatedWrites,
    @Inject(auditConfig.factory.KEY)
    private readonly config: ConfigType<typeof auditConfig.factory>,
    @InjectMetric(AUDIT_WRITE_FAILURES) private readonly failures: Counter<string>,
    @InjectMetric(AUDIT_ENTRIES) private readonly written: Counter<string>,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.flushIntervalMs);
    this.timer.unref();
  }

  record(draft: AuditDraft): void {
    if (this.queue.length >= this.config.queueLimit) {
      this.giveUp([{ draft, attempts: 0 }], 'queue full');
      return;
    }
    this.queue.push({ draft, attempts: 0 });
    if (this.queue.length >= this.config.batchSize) void this.flush();
    // After shutdown began there is no timer: write what arrives at once.
    else if (this.closed) void this.flush();
  }

  /** Writes everything queued so far; resolves when it is written or given up. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.drain().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Before connections close: write what is queued while Redis is surely still there. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Responses that ended while the server drained are written now, or put on stderr. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
    // Whatever could not be written by now would be lost with the process: put it on stderr.
    if (this.queue.length > 0) this.giveUp(this.queue.splice(0), 'shutdown');
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.nextBatch();
      try {
        await this.appendReplicated(batch);
        this.written.inc(batch.length);
      } catch (error) {
        const now = Date.now();
        for (const p of batch) {
          p.attempts += 1;
          p.firstFailureAt ??= now;
        }
        const expired = (p: Pending): boolean =>
          this.closed
            ? p.attempts >= SHUTDOWN_ATTEMPTS
            : now - (p.firstFailureAt ?? now) >= this.config.writeRetryMs;
        const retry = batch.filter((p) => !expired(p));
        const lost = batch.filter(expired);
        this.logger.warn(
          `audit write failed (${batch.length} entries, retrying ${retry.length}): ${describeError(error)}`,
        );
        if (lost.length > 0) this.giveUp(lost, 'write failed');
        // Keep the order: the failed batch goes back in front, the next timer tick retries it.
        this.queue.unshift(...retry);
        if (!this.closed || retry.length === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** A batch sent before (acknowledged or not) goes again as it was; else a new one. */
  private nextBatch(): Pending[] {
    const sent = (p: Pending): Appended | ChainLink | undefined => p.appended ?? p.sealed;
    const mark = this.queue[0] && sent(this.queue[0]);
    if (!mark) return this.queue.splice(0, this.config.batchSize);
    const size = this.queue.findIndex((p) => sent(p) !== mark);
    return this.queue.splice(0, size < 0 ? this.queue.length : size);
  }

  /**
   * A batch counts as written once a replica holds it (WAIT). When the acknowledgement failed,
   * the retry appends the batch again only if the master that took it lost it in a failover;
   * if it is still in the stream, only the acknowledgement is awaited again. When the answer to
   * the append itself was lost, the retry first looks for the batch in the stream, so that an
   * append that went through is not written twice.
   */
  private async appendReplicated(batch: Pending[]): Promise<void> {
    const lost = batch[0].sealed;
    let appended = batch[0].appended ?? (lost ? await this.find(lost) : undefined);
    if (!appended || !(await this.holds(appended))) {
      appended = await this.append(batch);
    }
    for (const p of batch) p.appended = appended;
    await this.replicated.confirm(this.store.headKey);
    // A failover between the append and the WAIT confirms the promoted master, which may not
    // have the batch: it is written only if it is still there.
    if (!(await this.holds(appended))) throw new Error('the batch was lost in a failover');
  }

  private async holds({ streamId, hash }: Appended): Promise<boolean> {
    const [stored] = await this.store.range(streamId, streamId, 1);
    return stored?.entry.hash === hash;
  }

  /**
   * The entry an append whose answer was lost sealed last, if that append went through: the
   * chain reached its seq and the entry at that seq is the one sealed (newest first, as the
   * retry follows the loss closely).
   */
  private async find(link: ChainLink): Promise<Appended | undefined> {
    if ((await this.store.head()).seq < link.seq) return undefined;
    let end = '+';
    for (let read = 0; read < FIND_LIMIT; read += FIND_PAGE) {
      const page = await this.store.reverseRange(end, '-', FIND_PAGE);
      for (const { streamId, entry } of page) {
        if (typeof entry?.seq !== 'number' || entry.seq > link.seq) continue;
        return entry.seq === link.seq && entry.hash === link.hash
          ? { streamId, hash: link.hash }
          : undefined;
      }
      if (page.length < FIND_PAGE) return undefined;
      end = `(${page[page.length - 1].streamId}`;
    }
    return undefined;
  }

  /** Seals the batch on the head and appends it; each try is marked on the batch first. */
  private async append(batch: Pending[]): Promise<Appended> {
    const drafts: AuditDraft[] = batch.map((p) => p.draft);
    let head = await this.store.head();
    for (let i = 0; i < MAX_CONFLICTS; i += 1) {
      const sealed = this.chain.seal(drafts, head);
      const last = sealed[sealed.length - 1].entry;
      const link: ChainLink = { seq: last.seq, hash: last.hash };
      for (const p of batch) p.sealed = link;
      const result = await this.store.append(sealed, head);
      if (result.ok) return { streamId: result.lastId, hash: last.hash };
      head = result.head;
    }
    throw new Error('the chain head kept moving');
  }

  private giveUp(lost: Pending[], why: string): void {
    for (const { draft } of lost) {
      process.stderr.write(
        `${JSON.stringify({ level: 'error', msg: 'audit entry not written', reason: why, time: new Date().toISOString(), auditEntry: draft })}\n`,
      );
    }
    this.failures.inc({ reason: why }, lost.length);
  }
}
