import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, RedisService, Role } from '@techsapo/core';
import { randomUUID } from 'node:crypto';
import { PasswordHasher } from '../credentials/password-hasher';
import { RedisScript } from '../../common/redis-script';
import { StoredUser, User, withoutSecrets } from './user';

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

export interface NewUser {
  username: string;
  password: string;
  roles: Role[];
}

/**
 * Users in Redis: one hash of records by id and one of ids by lower-cased username, under one
 * hash tag so that creating a user (unique name) is one atomic script on a cluster too.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly redis: RedisService,
    private readonly hasher: PasswordHasher,
  ) {}

  private get keys(): [records: string, byName: string, lastLogin: string] {
    const tag = this.redis.hashTag('users');
    return [
      this.redis.key(tag, 'records'),
      this.redis.key(tag, 'by-name'),
      this.redis.key(tag, 'last-login'),
    ];
  }

  async create(input: NewUser): Promise<User> {
    const now = new Date().toISOString();
    const user: StoredUser = {
      id: randomUUID(),
      username: input.username,
      roles: [...new Set(input.roles)],
      disabled: false,
      passwordHash: await this.hasher.hash(input.password),
      createdAt: now,
      updatedAt: now,
    };
    const created = await CREATE.run(this.redis.client, this.keys, [
      nameKey(user.username),
      user.id,
      JSON.stringify(user),
    ]);
    if (created !== 1)
      throw new ConflictError(`The username "${input.username}" is taken.`, 'username-taken');
    return withoutSecrets(user);
  }

  async list(): Promise<User[]> {
    const [records, , lastLogin] = this.keys;
    const [values, logins] = await Promise.all([
      this.redis.client.hvals(records),
      this.redis.client.hgetall(lastLogin),
    ]);
    return values
      .map((v) => JSON.parse(v) as StoredUser)
      .map((u) => withoutSecrets({ ...u, lastLoginAt: logins[u.id] }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(id: string): Promise<User> {
    return withoutSecrets(await this.stored(id));
  }

  async findStoredByUsername(username: string): Promise<StoredUser | undefined> {
    const value = await BY_NAME.run(this.redis.client, this.keys, [nameKey(username)]);
    return value ? (JSON.parse(value) as StoredUser) : undefined;
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.list()).some((u) => u.roles.includes('admin') && !u.disabled);
  }

  async update(
    id: string,
    change: { roles?: Role[]; disabled?: boolean; password?: string },
  ): Promise<User> {
    const user = await this.stored(id);
    if (change.roles) user.roles = [...new Set(change.roles)];
    if (change.disabled !== undefined) user.disabled = change.disabled;
    if (change.password !== undefined) user.passwordHash = await this.hasher.hash(change.password);
    user.updatedAt = new Date().toISOString();
    // Only if it still exists: a concurrent delete must not be undone by this write.
    const record: StoredUser = { ...user, lastLoginAt: undefined };
    const written = await REPLACE.run(
      this.redis.client,
      [this.keys[0]],
      [id, JSON.stringify(record)],
    );
    if (written !== 1) throw new NotFoundError('User', 'user-not-found');
    return withoutSecrets(user);
  }

  /** Login is already a write path; kept apart from the record so it never races an edit. */
  async recordLogin(id: string, at: Date): Promise<void> {
    await this.redis.client.hset(this.keys[2], id, at.toISOString());
  }

  async delete(id: string): Promise<User> {
    const user = await this.stored(id);
    const deleted = await DELETE.run(this.redis.client, this.keys, [id, nameKey(user.username)]);
    if (deleted !== 1) throw new NotFoundError('User', 'user-not-found');
    return withoutSecrets(user);
  }

  private async stored(id: string): Promise<StoredUser> {
    const [records, , lastLogin] = this.keys;
    const [value, login] = await Promise.all([
      this.redis.client.hget(records, id),
      this.redis.client.hget(lastLogin, id),
    ]);
    if (!value) throw new NotFoundError('User', 'user-not-found');
    return { ...(JSON.parse(value) as StoredUser), lastLoginAt: login ?? undefined };
  }
}

function nameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}
