import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/redis.config';

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
 * serve requests also pass `commandTimeout` (RedisService), so no single attempt hangs either.
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
    return new Cluster(config.clusterNodes, clusterOptions);
  }
  return new Redis(config.url, base);
}
