import { Injectable } from '@nestjs/common';
import { RedisService, Role } from '@techsapo/core';
import { RedisScript } from '../../common/redis-script';
import { StoredApiKey } from './api-key';

/** What the per-request lookup key holds. */
export interface KeyLookup {
  id: string;
  name: string;
  role: Role;
  /** Epoch milliseconds, or null for a key that does not expire. */
  expiresAt: number | null;
  suspended?: boolean;
}

/** KEYS: a hash. ARGV: field, value. Sets the field only if the hash has it. */
const UPDATE_PRESENT_FIELD = new RedisScript<number>(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])`);

/**
 * API keys in Redis: a hash of records and one of last uses (under one hash tag), and one
 * lookup key per key hash (`…:api-key:<sha256>`), expiring with the key: a request's check is
 * one GET.
 */
@Injectable()
export class ApiKeysStore {
  constructor(private readonly redis: RedisService) {}

  /** Writes the record and its lookup key (expiring with the key, if it does). */
  async insert(stored: StoredApiKey, lookup: KeyLookup): Promise<void> {
    const key = this.lookupKey(stored.hash);
    await Promise.all([
      this.redis.client.hset(this.recordsKey(), stored.id, JSON.stringify(stored)),
      lookup.expiresAt !== null
        ? this.redis.client.set(key, JSON.stringify(lookup), 'PXAT', lookup.expiresAt)
        : this.redis.client.set(key, JSON.stringify(lookup)),
    ]);
  }

  async all(): Promise<StoredApiKey[]> {
    return (await this.redis.client.hvals(this.recordsKey())).map(
      (r) => JSON.parse(r) as StoredApiKey,
    );
  }

  async get(id: string): Promise<StoredApiKey | undefined> {
    const record = await this.redis.client.hget(this.recordsKey(), id);
    return record ? (JSON.parse(record) as StoredApiKey) : undefined;
  }

  /** The last use of every key that was used, by id. */
  lastUses(): Promise<Record<string, string>> {
    return this.redis.client.hgetall(this.lastUsedKey());
  }

  async recordUses(uses: Record<string, string>): Promise<void> {
    await this.redis.client.hset(this.lastUsedKey(), uses);
  }

  /** Deletes the lookup key first in effect: the very next request with the key fails. */
  async remove(stored: StoredApiKey): Promise<void> {
    await Promise.all([
      this.redis.client.del(this.lookupKey(stored.hash)),
      this.redis.client.hdel(this.recordsKey(), stored.id),
      this.redis.client.hdel(this.lastUsedKey(), stored.id),
    ]);
  }

  /**
   * Marks the record and its lookup key (keeping the lookup's expiry) suspended or not. Each
   * is written only if it is still there, so a removal that overtakes a suspension stays.
   */
  async setSuspended(stored: StoredApiKey, suspended: boolean): Promise<void> {
    const lookupKey = this.lookupKey(stored.hash);
    const value = await this.redis.client.get(lookupKey);
    await Promise.all([
      UPDATE_PRESENT_FIELD.run(
        this.redis.client,
        [this.recordsKey()],
        [stored.id, JSON.stringify({ ...stored, suspended })],
      ),
      value
        ? this.redis.client.set(
            lookupKey,
            JSON.stringify({ ...(JSON.parse(value) as KeyLookup), suspended }),
            'KEEPTTL',
            'XX',
          )
        : Promise.resolve(),
    ]);
  }

  /** One GET: the lookup of a key by its hash. */
  async lookup(hash: string): Promise<KeyLookup | undefined> {
    const value = await this.redis.client.get(this.lookupKey(hash));
    return value ? (JSON.parse(value) as KeyLookup) : undefined;
  }

  private recordsKey(): string {
    return this.redis.key(this.redis.hashTag('api-keys'), 'records');
  }

  private lastUsedKey(): string {
    return this.redis.key(this.redis.hashTag('api-keys'), 'last-used');
  }

  private lookupKey(hash: string): string {
    return this.redis.key('api-key', hash);
  }
}
