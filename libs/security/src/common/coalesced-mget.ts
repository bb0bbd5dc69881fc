import type { RedisConnection } from '@techsapo/core';

/** Keys of one MGET at most; a larger turn's lookups go out as further MGETs. */
const MAX_KEYS = 1000;

interface Waiting {
  start: number;
  count: number;
  resolve: (values: (string | null)[]) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  keys: string[];
  waiting: Waiting[];
}

/**
 * GETs of keys that share one hash tag, asked in the same turn of the microtask queue (the
 * stages of one request, and concurrent requests), sent as one MGET. The batch leaves before
 * ioredis writes its auto-pipeline (on `setImmediate`), so it rides in the same round trip
 * as the commands sent beside it. Nothing is kept between turns: every lookup reads Redis.
 */
// redis-slot: every caller's keys carry one hash tag (the MGET stays in one slot)
export class CoalescedMget {
  private batch?: Batch;

  constructor(private readonly client: () => RedisConnection) {}

  get(keys: string[]): Promise<(string | null)[]> {
    if (!this.batch || this.batch.keys.length + keys.length > MAX_KEYS) {
      const batch: Batch = { keys: [], waiting: [] };
      this.batch = batch;
      queueMicrotask(() => this.send(batch));
    }
    const batch = this.batch;
    const start = batch.keys.length;
    batch.keys.push(...keys);
    return new Promise((resolve, reject) =>
      batch.waiting.push({ start, count: keys.length, resolve, reject }),
    );
  }

  private send(batch: Batch): void {
    if (this.batch === batch) this.batch = undefined;
    const failed = (error: unknown): void => {
      for (const w of batch.waiting) w.reject(error);
    };
    try {
      this.client()
        .mget(...batch.keys)
        .then((values) => {
          for (const w of batch.waiting) w.resolve(values.slice(w.start, w.start + w.count));
        }, failed);
    } catch (error) {
      failed(error);
    }
  }
}
