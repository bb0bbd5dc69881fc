import type { RedisConnection } from '@techsapo/core';
import { createHash } from 'node:crypto';

/**
 * A Lua script run atomically in one round trip (EVALSHA, loaded on first NOSCRIPT). Every key
 * it touches must share one cluster slot: callers build them with one hash tag.
 */
// redis-slot: the keys are the caller's, built with one hash tag per script call
export class RedisScript<T> {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: RedisConnection, keys: string[], args: (string | number)[] = []): Promise<T> {
    try {
      return (await client.evalsha(this.sha, keys.length, ...keys, ...args)) as T;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await client.eval(this.lua, keys.length, ...keys, ...args)) as T;
    }
  }
}
