import Redis, { Cluster, ClusterOptions, Command, RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/redis.config';
import { RedisUnavailableError } from './redis-unavailable.error';

export type RedisConnection = Redis | Cluster;

/** Pause between retries of a cluster that is failing over (CLUSTERDOWN, TRYAGAIN, lost node). */
const CLUSTER_RETRY_DELAY_MS = 200;

/**
 * The one place connections are made: a single node from REDIS_URL, or a Redis Cluster from
 * REDIS_CLUSTER_NODES. Callers never know which. Keys are prefixed by RedisService.key(), not
 * by ioredis' keyPrefix (which Lua scripts and SCAN patterns would not see).
 *
 * A failover is retried, never waited out without bound: a cluster command retries
 * CLUSTERDOWN, TRYAGAIN and redirections to a lost node every 200 ms for about
 * REDIS_DEADLINE_MS, then fails (the request answers 503 with Retry-After). Connections that
 * serve requests also pass `commandTimeout` (RedisService, REDIS_COMMAND_TIMEOUT_MS), so a node
 * that is connected but silent is not waited on either: the command fails with
 * RedisUnavailableError, which every stage passes on as 503 storage-unavailable.
 */
export function createRedisConnection(
  config: RedisConfig,
  options: RedisOptions = {},
): RedisConnection {
  const base: RedisOptions = {
    lazyConnect: false,
    // A node that is gone (no RST, e.g. a lost Kubernetes node) is given up on quickly.
    connectTimeout: Math.min(config.deadlineMs, 2000),
    enableAutoPipelining: true,
    ...(config.password ? { password: config.password } : {}),
    ...options,
  };
  if (config.clusterNodes.length > 0) {
    // lazyConnect and the ready check belong to the cluster: its node connections must stay
    // lazy (the cluster opens and closes them; forcing them eager leaves sockets after quit).
    const { enableReadyCheck = true, lazyConnect = false, ...redisOptions } = base;
    const clusterOptions: ClusterOptions = {
      redisOptions,
      enableReadyCheck,
      lazyConnect,
      // Reads and writes go to masters: sessions, bans and limits must never read stale.
      scaleReads: 'master',
      // Every retry (MOVED, CLUSTERDOWN, TRYAGAIN, a closed connection) spends one of these.
      maxRedirections: Math.max(2, Math.ceil(config.deadlineMs / CLUSTER_RETRY_DELAY_MS)),
      retryDelayOnClusterDown: CLUSTER_RETRY_DELAY_MS,
      retryDelayOnFailover: CLUSTER_RETRY_DELAY_MS,
      retryDelayOnTryAgain: CLUSTER_RETRY_DELAY_MS,
      slotsRefreshTimeout: 2000,
      slotsRefreshInterval: 5000,
    };
    return new BoundedCluster(config.clusterNodes, clusterOptions);
  }
  return new BoundedRedis(config.url, base);
}

/** ioredis' own message when `commandTimeout` passes without an answer. */
const TIMED_OUT = 'Command timed out';
/**
 * Marks a command whose rejection is already wrapped (a cluster sends a redirected command
 * again). A property rather than a WeakSet: every request's commands pass here.
 */
const WRAPPED = Symbol('timeoutAsUnavailable');

/**
 * ioredis times the command out with a plain Error; it is rejected as RedisUnavailableError
 * instead, a domain error that stages pass on unchanged (503 storage-unavailable). On a cluster
 * the cluster's own handler wraps this one, so redirections and retries are unaffected.
 */
function timeoutAsUnavailable(command: Command & { [WRAPPED]?: true }): Command {
  if (command[WRAPPED]) return command;
  command[WRAPPED] = true;
  const reject = command.reject;
  command.reject = (error: Error) =>
    reject(
      error.message === TIMED_OUT
        ? new RedisUnavailableError('Storage did not answer in time; try again shortly.')
        : error,
    );
  return command;
}

class BoundedRedis extends Redis {
  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    return super.sendCommand(timeoutAsUnavailable(command), stream);
  }
}

class BoundedCluster extends Cluster {
  override sendCommand(
    command: Command,
    stream?: Parameters<Cluster['sendCommand']>[1],
    node?: Parameters<Cluster['sendCommand']>[2],
  ): unknown {
    return super.sendCommand(timeoutAsUnavailable(command), stream, node);
  }

  /**
   * ioredis schedules the next periodic slots refresh from the callback of the refresh in
   * flight, also when the cluster was quit meanwhile: that timer would keep a stopped process
   * alive. A refresh that ends once the cluster is closing clears it again.
   */
  override refreshSlotsCache(callback?: (error?: Error | null) => void): void {
    super.refreshSlotsCache((error) => {
      callback?.(error);
      if (CLOSING.has(this.status)) (this as unknown as RefreshTimer).clearNodesRefreshInterval();
    });
  }
}

const CLOSING = new Set(['disconnecting', 'close', 'end']);
/** ioredis' own (private) way of stopping the periodic slots refresh. */
interface RefreshTimer {
  clearNodesRefreshInterval(): void;
}
