import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@techsapo/core';
import { ApiKeysService, UsersService } from '@techsapo/security';
import type { Owner } from './owner';

export interface NamedOwner extends Owner {
  /** The username or the API key's name. */
  name: string;
}

/** The users and API keys that may own analyses, by name (for administrators' views). */
@Injectable()
export class OwnerDirectory {
  constructor(
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** Every user, then every API key. */
  async all(): Promise<NamedOwner[]> {
    const [users, keys] = await Promise.all([this.users.list(), this.apiKeys.list()]);
    return [
      ...users.map((u): NamedOwner => ({ kind: 'user', id: u.id, name: u.username })),
      ...keys.map((k): NamedOwner => ({ kind: 'api-key', id: k.id, name: k.name })),
    ];
  }

  /** Throws NotFoundError (`user-not-found`, `api-key-not-found`) for an unknown owner. */
  async find(owner: Owner): Promise<NamedOwner> {
    if (owner.kind === 'user') {
      const user = await this.users.get(owner.id);
      return { ...owner, name: user.username };
    }
    const key = (await this.apiKeys.list()).find((k) => k.id === owner.id);
    if (!key) throw new NotFoundError('API key', 'api-key-not-found');
    return { ...owner, name: key.name };
  }
}
