import { ConflictError, Principal, Role } from '@techsapo/core';
import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { SessionsService } from '../sessions/sessions.service';
import type { User } from './user';
import { NewUser, UsersService } from './users.service';

/**
 * The admin's view of users: changes apply at once to the user's sessions and to the API keys
 * the user created (revoked when the user is deleted or disabled, suspended while the user
 * lacks the key's role).
 */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  create(input: NewUser): Promise<User> {
    return this.users.create(input);
  }

  list(): Promise<User[]> {
    return this.users.list();
  }

  async update(
    actor: Principal,
    id: string,
    change: { roles?: Role[]; disabled?: boolean },
  ): Promise<User> {
    if (
      id === actor.id &&
      (change.disabled === true || (change.roles && !change.roles.includes('admin')))
    ) {
      throw new ConflictError(
        'You cannot disable yourself or take away your own admin role.',
        'self-lockout',
      );
    }
    const user = await this.users.update(id, change);
    if (user.disabled) await this.sessions.endAllOf(id);
    else if (change.roles) await this.sessions.setRoles(id, user.roles);
    await this.apiKeys.alignWithCreator(id, user);
    return user;
  }

  async delete(actor: Principal, id: string): Promise<void> {
    if (id === actor.id) throw new ConflictError('You cannot delete yourself.', 'self-lockout');
    await this.users.delete(id);
    await Promise.all([this.sessions.endAllOf(id), this.apiKeys.alignWithCreator(id, undefined)]);
  }

  async endSessions(id: string): Promise<void> {
    await this.users.get(id);
    await this.sessions.endAllOf(id);
  }
}
