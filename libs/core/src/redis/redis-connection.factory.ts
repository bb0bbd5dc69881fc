import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/redis.config';

export type RedisConnection = Redis | Cluster;

/**
 * The one place connections are made: a single node from REDIS_URL, or a Redis Cluster from
 * REDIS_CLUSTER_NODES. Callers never know which.
 */
export function createRedisConnection(
  config: RedisConfig,
  options: RedisOptions = {},
): RedisConnection {
  const base: RedisOptions = { lazyConnect: false, enableAutoPipelining: true, ...options };
  if (config.clusterNodes.length > 0) {
    const clusterOptions: ClusterOptions = {
      redisOptions: base,
      enableReadyCheck: options.enableReadyCheck ?? true,
      maxRedirections: 16,
      scaleReads: 'master',
    };
    return new Cluster(config.clusterNodes, clusterOptions);
  }
  return new Redis(config.url, base);
}
