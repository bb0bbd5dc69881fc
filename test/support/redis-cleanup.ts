import { redisConfig, RedisService } from '@techsapo/core';

/**
 * Deletes every key under a test's prefix through a connection of its own (a single node or
 * the cluster, as REDIS_URL / REDIS_CLUSTER_NODES say), once whatever wrote them has stopped:
 * a test run leaves nothing behind.
 */
export async function removeKeys(prefix: string): Promise<void> {
  const redis = new RedisService(redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: prefix }));
  try {
    await redis.deleteMatching(`${prefix}*`);
  } finally {
    await redis.onApplicationShutdown();
  }
}
