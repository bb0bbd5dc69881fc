import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { redisConfig } from '../config/redis.config';
import { inBackgroundWork } from './background-work';
import { liveReplicas } from './live-replicas';
import { createRedisConnection, RedisConnection } from './redis-connection.factory';

export interface ScriptCommand {
  numberOfKeys: number;
  lua: string;
}

/**
 * Owns every Redis connection of the process. `client` serves ordinary commands; blocking
 * readers and subscribers ask for their own with `createConnection`. Keys are built with
 * `key()`; parts that must share a cluster slot go through `hashTag()`.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  private readonly connections = new Set<RedisConnection>();
  private readonly commands: RedisConnection;
  private backgroundCommands?: RedisConnection;
  private readonly scripts = new Map<string, ScriptCommand>();

  constructor(
    @Inject(redisConfig.factory.KEY)
    private readonly config: ConfigType<typeof redisConfig.factory>,
  ) {
    // Commands on the request path end within REDIS_COMMAND_TIMEOUT_MS, answered or not.
    this.commands = this.createConnection('commands', { commandTimeout: config.commandTimeoutMs });
  }

  /**
   * The connection for ordinary commands. A request's commands end within
   * REDIS_COMMAND_TIMEOUT_MS. Background work (`asBackgroundWork`, a worker's job) gets a
   * connection of its own, opened on first use, whose commands wait out a failover (the
   * cluster's retries for REDIS_DEADLINE_MS) and time out only on a node silent for twice that.
   */
  get client(): RedisConnection {
    if (!inBackgroundWork()) return this.commands;
    if (!this.backgroundCommands) {
      this.backgroundCommands = this.createConnection('background', {
        commandTimeout: 2 * this.config.deadlineMs,
      });
      for (const [name, script] of this.scripts)
        this.backgroundCommands.defineCommand(name, script);
    }
    return this.backgroundCommands;
  }

  /** A Lua script as a command of `client`, whichever connection it gives. Defined once. */
  defineCommand(name: string, script: ScriptCommand): void {
    if (this.scripts.has(name)) return;
    this.scripts.set(name, script);
    this.commands.defineCommand(name, script);
    this.backgroundCommands?.defineCommand(name, script);
  }

  /**
   * Whether the command connection is up now. Request paths refuse at once when it is not,
   * rather than queueing commands until a deadline while Redis is away.
   */
  get connected(): boolean {
    return this.commands.status === 'ready';
  }

  get isCluster(): boolean {
    return this.config.clusterNodes.length > 0;
  }

  createConnection(purpose: string, options: RedisOptions = {}): RedisConnection {
    const connection = createRedisConnection(this.config, {
      connectionName: `techsapo:${purpose}`,
      ...options,
    });
    connection.on('error', (error: Error) =>
      this.logger.warn(`redis (${purpose}): ${error.message}`),
    );
    this.connections.add(connection);
    connection.once('end', () => this.connections.delete(connection));
    return connection;
  }

  key(...parts: (string | number)[]): string {
    return [this.config.keyPrefix, ...parts].join(':');
  }

  hashTag(value: string): string {
    return `{${value}}`;
  }

  /**
   * Bull's `prefix` for one queue: every key of a Bull queue is `<prefix>:<name>:…` and its
   * Lua scripts touch several of them, so the prefix carries a hash tag (one slot per queue).
   */
  queuePrefix(queue: string): string {
    return this.key(this.hashTag(queue));
  }

  /**
   * A connection for a Bull queue (its `createClient`). No auto-pipelining for Bull: its
   * moveToActive script then returns jobs without their data. Its blocking and subscriber
   * connections must not retry or ready-check per command.
   */
  createBullConnection(type: 'client' | 'subscriber' | 'bclient'): RedisConnection {
    return this.createConnection(
      `bull-${type}`,
      type === 'client'
        ? { enableAutoPipelining: false, commandTimeout: this.config.commandTimeoutMs }
        : { enableAutoPipelining: false, enableReadyCheck: false, maxRetriesPerRequest: null },
    );
  }

  /** The nodes that hold data: every master of a cluster, or the one node. */
  dataNodes(): Redis[] {
    return this.isCluster ? (this.commands as Cluster).nodes('master') : [this.commands as Redis];
  }

  async ping(): Promise<boolean> {
    return (await this.check()).ok;
  }

  /**
   * Readiness: the node answers; on a cluster every master answers and the state is ok. The
   * detail shows how many masters have a connected replica (a master without one survives no
   * further loss, but serves).
   */
  async check(): Promise<{ ok: boolean; detail: Record<string, unknown> }> {
    if (!this.isCluster) {
      const node = this.client as Redis;
      const [pong, replicas] = await Promise.all([node.ping(), connectedReplicas(node)]);
      return { ok: pong === 'PONG', detail: { mode: 'single', replicas } };
    }
    const info = String(await (this.client as Cluster).cluster('INFO'));
    const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
    const masters = this.dataNodes();
    const replicas = await Promise.all(masters.map((n) => connectedReplicas(n).catch(() => -1)));
    const up = replicas.filter((n) => n >= 0).length;
    return {
      ok: state === 'ok' && masters.length > 0 && up === masters.length,
      detail: {
        mode: 'cluster',
        state,
        masters: masters.length,
        mastersUp: up,
        mastersWithReplica: replicas.filter((n) => n > 0).length,
      },
    };
  }

  /**
   * Every key matching `pattern`, in batches; on a cluster SCAN runs on each master (a key
   * lives on exactly one). For maintenance and tests, never on a request path.
   */
  async *scan(pattern: string, count = 500): AsyncGenerator<string[]> {
    for (const node of this.dataNodes()) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
        if (keys.length > 0) yield keys;
        cursor = next;
      } while (cursor !== '0');
    }
  }

  /** Deletes every key matching `pattern`, one UNLINK per key (keys span slots). */
  async deleteMatching(pattern: string): Promise<number> {
    let deleted = 0;
    for await (const keys of this.scan(pattern)) {
      const results = await Promise.all(keys.map((k) => this.client.unlink(k)));
      deleted += results.reduce((sum, n) => sum + n, 0);
    }
    return deleted;
  }

  async onApplicationShutdown(): Promise<void> {
    // A connection its owner quit may end only now (QUIT fails: closed): disconnecting it
    // then would hold the process open for seconds.
    await Promise.allSettled(
      [...this.connections].map((c) =>
        c.status === 'end' ? undefined : c.quit().catch(() => c.status === 'end' || c.disconnect()),
      ),
    );
  }
}

/** The live replicas of a master now (see liveReplicas). */
async function connectedReplicas(node: Redis): Promise<number> {
  return liveReplicas(await node.info('replication'));
}
