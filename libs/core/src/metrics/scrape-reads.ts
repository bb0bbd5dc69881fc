import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Gauge, register } from 'prom-client';
import { appConfig } from '../config/app.config';
import { withTimeout } from '../async/with-timeout';
import { describeError } from '../errors/describe-error';

export const METRIC_STALE = 'techsapo_metric_stale';

interface ScrapeRead {
  gauge: Gauge;
  read: () => Promise<number>;
}

/**
 * Gauges whose value is read from storage when Prometheus scrapes. Every read is bounded by
 * METRICS_COLLECT_TIMEOUT_MS, so /metrics answers promptly while Redis is down or silent; a
 * gauge that could not be read has no sample (never an old value) and
 * `techsapo_metric_stale{metric}` is 1 until a read succeeds again.
 *
 * One scrape runs one round of reads: prom-client collects every metric at once, so the
 * gauges and the stale series all wait for the same round and always agree.
 */
@Injectable()
export class ScrapeReads {
  private readonly logger = new Logger(ScrapeReads.name);
  private readonly reads = new Map<string, ScrapeRead>();
  private readonly stale: Gauge<'metric'>;
  private readonly staleNames = new Set<string>();
  private round?: Promise<void>;

  constructor(
    @Inject(appConfig.factory.KEY) private readonly app: ConfigType<typeof appConfig.factory>,
  ) {
    const refresh = (): Promise<void> => this.refresh();
    register.removeSingleMetric(METRIC_STALE);
    this.stale = new Gauge({
      name: METRIC_STALE,
      help: 'Whether a gauge read from storage at scrape time could not be read now (1: its samples are left out)',
      labelNames: ['metric'],
      registers: [register],
      collect: refresh,
    });
  }

  /** A gauge without labels whose value `read` gives at each scrape. */
  gauge(name: string, help: string, read: () => Promise<number>): Gauge {
    const refresh = (): Promise<void> => this.refresh();
    // The newest instance in a process owns the series (an app built again in tests or CLIs).
    register.removeSingleMetric(name);
    const gauge = new Gauge({ name, help, registers: [register], collect: refresh });
    this.reads.set(name, { gauge, read });
    return gauge;
  }

  private refresh(): Promise<void> {
    this.round ??= this.readAll().finally(() => (this.round = undefined));
    return this.round;
  }

  private async readAll(): Promise<void> {
    await Promise.all(
      [...this.reads].map(async ([name, { gauge, read }]) => {
        try {
          gauge.set(await withTimeout(read(), this.app.metricsCollectTimeoutMs));
          this.stale.set({ metric: name }, 0);
          this.staleNames.delete(name);
        } catch (error) {
          // Logged once per outage, not at every scrape.
          if (!this.staleNames.has(name)) {
            this.logger.warn(`${name} could not be read, reported stale: ${describeError(error)}`);
          }
          this.staleNames.add(name);
          gauge.remove();
          this.stale.set({ metric: name }, 1);
        }
      }),
    );
  }
}
