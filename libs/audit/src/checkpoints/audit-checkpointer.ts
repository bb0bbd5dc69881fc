import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { describeError, logSecurityEvent } from '@techsapo/core';
import { hostname } from 'node:os';
import { auditConfig } from '../config/audit.config';
import { AuditChain } from '../trail/audit-chain';
import { AuditStore } from '../trail/audit-store';
import { AuditWriter } from '../trail/audit-writer';
import type { AuditCheckpoint } from './audit-checkpoint';
import { CheckpointFile } from './checkpoint-file';

/**
 * Every AUDIT_CHECKPOINT_INTERVAL_MS and at shutdown (after the writer's last flush), a signed
 * checkpoint of the chain's head goes to the security log (a SECURITY line on stdout,
 * `event_type: AUDIT_CHECKPOINT`) and to DATA_DIR, outside Redis: verification then notices a
 * stream that was truncated or wiped, even when the wipe took the head and the anchor too.
 */
@Injectable()
export class AuditCheckpointer implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditCheckpointer.name);
  private readonly instance = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;
  private lastSeq?: number;

  constructor(
    private readonly store: AuditStore,
    private readonly chain: AuditChain,
    private readonly writer: AuditWriter,
    private readonly file: CheckpointFile,
    @Inject(auditConfig.factory.KEY)
    private readonly config: ConfigType<typeof auditConfig.factory>,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.checkpoint(), this.config.checkpointIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.writer.flush();
    await this.checkpoint();
  }

  /** Writes a checkpoint of the current head, unless the head has not moved since the last. */
  async checkpoint(): Promise<AuditCheckpoint | undefined> {
    try {
      const [head, epoch, anchor] = await Promise.all([
        this.store.head(),
        this.store.epoch(),
        this.store.anchor(),
      ]);
      if (head.seq === 0 || !epoch || head.seq === this.lastSeq) return undefined;
      const time = new Date().toISOString();
      const unsigned = { seq: head.seq, hash: head.hash, time, epoch, anchoredAt: anchor?.seq };
      const checkpoint: AuditCheckpoint = {
        ...unsigned,
        instance: this.instance,
        sig: this.chain.signCheckpoint(unsigned),
      };
      logSecurityEvent({
        timestamp: time,
        event_type: 'AUDIT_CHECKPOINT',
        severity: 'INFO',
        details: checkpoint,
      });
      await this.file.append(checkpoint);
      this.lastSeq = head.seq;
      return checkpoint;
    } catch (error) {
      this.logger.warn(`audit checkpoint not written: ${describeError(error)}`);
      return undefined;
    }
  }
}
