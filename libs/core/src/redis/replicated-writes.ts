import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Cluster } from 'ioredis';
import type { Counter } from 'prom-client';
import { redisConfig } from '../config/redis.config';
import type { RedisConnection } from './redis-connection.factory';
import { liveReplicas } from './live-replicas';
import { isRedisUnavailable, RedisUnavailableError } from './redis-unavailable.error';
import { RedisService } from './redis.service';

export const REDIS_REPLICA_ACKS = 'techsapo_redis_replica_acks_total';

export const replicaAcksProvider = makeCounterProvider({
  name: REDIS_REPLICA_ACKS,
  help: 'Writes that had to reach a replica, by outcome (acked, no-replica, timeout)',
  labelNames: ['outcome'],
});

export type ReplicaAck = 'acked' | 'no-replica';

/** How long the mark written before each WAIT lives: it only has to outlast the WAIT. */
const MARK_TTL_MS = 10_000;
/** Pause before a confirmation that met a failing cluster runs again. */
const RETRY_DELAY_MS = 200;

/**
 * "Acknowledged means replicated" for the writes that must survive a lost master (audit
 * batches, the acceptance of an analysis): `confirm(key)` resolves once at least one replica of
 * the master serving `key`'s slot holds every write made to that master so far (`WAIT 1`).
 *
 * WAIT counts the writes of the connection that sends it, and blocks that connection while it
 * waits. So it runs on a connection of its own, after a small write (a mark in the same slot)
 * that comes after the writes to confirm in the master's replication stream. A master with no
 * live replica (a single Redis, or a master whose replica is lost; see liveReplicas) is not
 * waited on: the write is as safe as that deployment allows, and `no-replica` is counted.
 */
@Injectable()
export class ReplicatedWrites {
  private connection?: RedisConnection;

  constructor(
    private readonly redis: RedisService,
    @Inject(redisConfig.factory.KEY)
    private readonly config: ConfigType<typeof redisConfig.factory>,
    @InjectMetric(REDIS_REPLICA_ACKS) private readonly acks: Counter<string>,
  ) {}

  /**
   * Waits for a replica of the master that holds `key` (a key with a hash tag on a cluster).
   * Throws RedisUnavailableError (503) when no replica acknowledged within the timeout.
   */
  async confirm(key: string): Promise<ReplicaAck> {
    // The last attempt's WAIT must still end within the deadline.
    const giveUpAt = Date.now() + this.config.deadlineMs - this.config.replicaAckTimeoutMs;
    for (;;) {
      try {
        return await this.confirmOnce(key);
      } catch (error) {
        // ioredis does not redirect a pipeline whose keyless command (INFO, WAIT) succeeded
        // where its keyed one was MOVED: after a failover this connection has not seen yet,
        // its slot map is refreshed here and the confirmation runs again, within the deadline.
        if (error instanceof RedisUnavailableError || !isRedisUnavailable(error)) throw error;
        if (Date.now() >= giveUpAt) throw error;
        await this.refreshSlots();
      }
    }
  }

  private async confirmOnce(key: string): Promise<ReplicaAck> {
    const mark = this.markKey(key);
    const client = this.client();
    // INFO replication lists the master's replicas; the key routes it to that master.
    const [, info] = await exec(client.pipeline().exists(mark).info('replication'));
    if (liveReplicas(String(info)) === 0) {
      this.acks.inc({ outcome: 'no-replica' });
      return 'no-replica';
    }
    const timeout = this.config.replicaAckTimeoutMs;
    const [, acked] = await exec(
      client.pipeline().set(mark, '1', 'PX', MARK_TTL_MS).wait(1, timeout),
    );
    if (Number(acked) < 1) {
      this.acks.inc({ outcome: 'timeout' });
      throw new RedisUnavailableError(`No replica acknowledged the write within ${timeout} ms.`);
    }
    this.acks.inc({ outcome: 'acked' });
    return 'acked';
  }

  /**
   * A key in the same slot as `key`. On a cluster the hash tag decides the slot, as Redis finds
   * it: between the first `{` and the next `}`, when not empty.
   */
  private markKey(key: string): string {
    const open = key.indexOf('{');
    const close = open < 0 ? -1 : key.indexOf('}', open + 1);
    const tag = close > open + 1 ? key.slice(open + 1, close) : undefined;
    if (tag) return this.redis.key(this.redis.hashTag(tag), 'replicated');
    if (this.redis.isCluster) throw new Error(`${key} has no hash tag: its slot is unknown`);
    return this.redis.key('replicated');
  }

  private async refreshSlots(): Promise<void> {
    await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
    const client = this.client();
    if (this.redis.isCluster) {
      await new Promise<void>((resolve) => (client as Cluster).refreshSlotsCache(() => resolve()));
    }
  }

  /** Made on first use; RedisService closes it with the others. */
  private client(): RedisConnection {
    this.connection ??= this.redis.createConnection('replicated-writes', {
      enableAutoPipelining: false,
      commandTimeout: this.config.deadlineMs,
    });
    return this.connection;
  }
}

/** The replies of a pipeline, or the first error among them. */
async function exec(pipeline: ReturnType<RedisConnection['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
  return results.map(([, value]) => value);
}
