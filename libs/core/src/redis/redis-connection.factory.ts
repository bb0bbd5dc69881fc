import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/redis.config';

export type RedisConnection = Redis | Cluster;

/**
 * The one place connections are made: a single node from REDIS_URL, or a Redis Cluster from
 * REDIS_CLUSTER_NODES. Callers never know which. Keys are prefixed by RedisService.key(), not
 * by ioredis' keyPrefix (which Lua scripts and SCAN patterns would not see).
 */
export function createRedisConnection(
  config: RedisConfig,
  options: RedisOptions = {},
): RedisConnection {
  const base: RedisOptions = {
    lazyConnect: false,
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
      maxRedirections: 16,
      // A failover (node timeout 5000 ms) is waited out instead of failing the command.
      retryDelayOnClusterDown: 300,
      retryDelayOnFailover: 200,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: 2000,
      slotsRefreshInterval: 5000,
    };
    return new Cluster(config.clusterNodes, clusterOptions);
  }
  return new Redis(config.url, base);
}
