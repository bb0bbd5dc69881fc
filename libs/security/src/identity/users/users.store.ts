import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';
import { RedisScript } from '../../common/redis-script';
import { StoredUser } from './user';

const CREATE = new RedisScript<number>(`
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1`);

const BY_NAME = new RedisScript<string | null>(`
local id = redis.call('HGET', KEYS[2], ARGV[1])
if not id then return nil end
return redis.call('HGET', KEYS[1], id)`);

const REPLACE = new RedisScript<number>(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`);

const DELETE = new RedisScript<number>(`
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1`);

/**
 * Users in Redis: one hash of records by id and one of ids by lower-cased username, under one
 * hash tag so that creating a user (unique name) is one atomic script on a cluster too. The
 * last login is a hash of its own, so recording one never races an edit of the record.
 */
@Injectable()
export class UsersStore {
  constructor(private readonly redis: RedisService) {}

  private get keys(): [records: string, byName: string, lastLogin: string] {
    const tag = this.redis.hashTag('users');
    return [
      this.redis.key(tag, 'records'),
      this.redis.key(tag, 'by-name'),
      this.redis.key(tag, 'last-login'),
    ];
  }

  /** False when the name is taken (nothing written). */
  async insert(user: StoredUser): Promise<boolean> {
    const created = await CREATE.run(this.redis.client, this.keys, [
      nameKey(user.username),
      user.id,
      JSON.stringify(user),
    ]);
    return created === 1;
  }

  /** Every user, with the last login. */
  async all(): Promise<StoredUser[]> {
    const [records, , lastLogin] = this.keys;
    const [values, logins] = await Promise.all([
      this.redis.client.hvals(records),
      this.redis.client.hgetall(lastLogin),
    ]);
    return values
      .map((v) => JSON.parse(v) as StoredUser)
      .map((u) => ({ ...u, lastLoginAt: logins[u.id] }));
  }

  /** One user, with the last login. */
  async find(id: string): Promise<StoredUser | undefined> {
    const [records, , lastLogin] = this.keys;
    const [value, login] = await Promise.all([
      this.redis.client.hget(records, id),
      this.redis.client.hget(lastLogin, id),
    ]);
    if (!value) return undefined;
    return { ...(JSON.parse(value) as StoredUser), lastLoginAt: login ?? undefined };
  }

  /** By username, whatever its case or Unicode form. */
  async findByUsername(username: string): Promise<StoredUser | undefined> {
    const value = await BY_NAME.run(this.redis.client, this.keys, [nameKey(username)]);
    return value ? (JSON.parse(value) as StoredUser) : undefined;
  }

  /** Replaces the record only if it still exists (a concurrent delete is never undone). */
  async replace(user: StoredUser): Promise<boolean> {
    const record: StoredUser = { ...user, lastLoginAt: undefined };
    const written = await REPLACE.run(
      this.redis.client,
      [this.keys[0]],
      [user.id, JSON.stringify(record)],
    );
    return written === 1;
  }

  async recordLogin(id: string, at: Date): Promise<void> {
    await this.redis.client.hset(this.keys[2], id, at.toISOString());
  }

  /** Removes the record, its name and its last login; false when it was already gone. */
  async remove(user: StoredUser): Promise<boolean> {
    const deleted = await DELETE.run(this.redis.client, this.keys, [
      user.id,
      nameKey(user.username),
    ]);
    return deleted === 1;
  }
}

/** Usernames are unique whatever their case or Unicode form. */
export function nameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}
