import type { LoggerService } from '@nestjs/common';
import { describeError } from '@techsapo/core';
import type { AnalysisEventType } from '../analysis/analysis.types';
import type { AnalysisEvents } from '../events/analysis-events';

/**
 * Appends an analysis' progress events one after another, so their seq follows the order they
 * were reported in. A write that fails does not stop the analysis (the result is what counts)
 * but is logged: a client following the events would otherwise miss one without a trace.
 */
export class ProgressChain {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly events: Pick<AnalysisEvents, 'append'>,
    private readonly id: string,
    /** Aborted when the analysis was erased: nothing more is written for it. */
    private readonly erased: AbortSignal,
    private readonly logger: Pick<LoggerService, 'error'>,
  ) {}

  push(type: AnalysisEventType, data: Record<string, unknown>): void {
    if (this.erased.aborted) return;
    this.tail = this.tail
      .then(() => this.events.append(this.id, type, data))
      .catch((error: unknown) =>
        this.logger.error(
          `analysis ${this.id}: the ${type} event was not written: ${describeError(error)}`,
        ),
      );
  }

  async settled(): Promise<void> {
    await this.tail;
  }
}
