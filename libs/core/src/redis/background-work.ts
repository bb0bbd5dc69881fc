import { AsyncLocalStorage } from 'node:async_hooks';

const background = new AsyncLocalStorage<true>();

/**
 * Runs work that no request waits on (a worker's job). Its Redis commands wait out a failover
 * instead of failing after REDIS_COMMAND_TIMEOUT_MS, which bounds a request's commands: a job
 * that met a failover would otherwise end failed for a pause the cluster recovers from
 * (RedisService.client gives such work a connection of its own).
 */
export function asBackgroundWork<T>(work: () => Promise<T>): Promise<T> {
  return background.run(true, work);
}

export function inBackgroundWork(): boolean {
  return background.getStore() === true;
}
