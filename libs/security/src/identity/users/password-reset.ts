import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import { SessionsService } from '../sessions/sessions.service';
import type { User } from './user';
import { UsersService } from './users.service';

export interface PasswordResetResult {
  user: User;
  /** Shown once to the operator, stored only as a hash. */
  password: string;
  endedSessions: number;
}

/**
 * An operator's way back in when a password is lost (ADMIN_PASSWORD only seeds the first
 * admin): a new random password, and every session of the user ended, since whoever knew the
 * old one may hold one.
 */
@Injectable()
export class PasswordReset {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  async reset(username: string): Promise<PasswordResetResult> {
    const stored = await this.users.findStoredByUsername(username);
    if (!stored) throw new NotFoundError('User', 'user-not-found');
    const password = randomBytes(18).toString('base64url');
    const user = await this.users.update(stored.id, { password });
    const endedSessions = await this.sessions.endAllOf(stored.id);
    return { user, password, endedSessions };
  }
}
