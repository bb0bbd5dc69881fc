import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, Role } from '@techsapo/core';
import { randomUUID } from 'node:crypto';
import { PasswordHasher } from '../credentials/password-hasher';
import { StoredUser, User, withoutSecrets } from './user';
import { UsersStore } from './users.store';

export interface NewUser {
  username: string;
  password: string;
  roles: Role[];
}

/** Users: unique names, hashed passwords, roles without repeats; records in the UsersStore. */
@Injectable()
export class UsersService {
  constructor(
    private readonly store: UsersStore,
    private readonly hasher: PasswordHasher,
  ) {}

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
    if (!(await this.store.insert(user)))
      throw new ConflictError(`The username "${input.username}" is taken.`, 'username-taken');
    return withoutSecrets(user);
  }

  async list(): Promise<User[]> {
    return (await this.store.all())
      .map(withoutSecrets)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(id: string): Promise<User> {
    return withoutSecrets(await this.stored(id));
  }

  findStoredByUsername(username: string): Promise<StoredUser | undefined> {
    return this.store.findByUsername(username);
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
    if (!(await this.store.replace(user))) throw new NotFoundError('User', 'user-not-found');
    return withoutSecrets(user);
  }

  /** Login is already a write path; kept apart from the record so it never races an edit. */
  recordLogin(id: string, at: Date): Promise<void> {
    return this.store.recordLogin(id, at);
  }

  async delete(id: string): Promise<User> {
    const user = await this.stored(id);
    if (!(await this.store.remove(user))) throw new NotFoundError('User', 'user-not-found');
    return withoutSecrets(user);
  }

  private async stored(id: string): Promise<StoredUser> {
    const user = await this.store.find(id);
    if (!user) throw new NotFoundError('User', 'user-not-found');
    return user;
  }
}
