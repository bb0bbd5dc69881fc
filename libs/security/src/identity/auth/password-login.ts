import { Injectable } from '@nestjs/common';
import { Principal, UnauthenticatedError } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';
import { PasswordHasher } from '../credentials/password-hasher';
import type { StoredUser } from '../users/user';
import { UsersService } from '../users/users.service';

/**
 * Checks a username and password (login and Basic). An unknown or disabled user costs the same
 * scrypt as a known one and gets the same answer, so neither time nor message tells them apart.
 */
@Injectable()
export class PasswordLogin {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
  ) {}

  async check(username: string, password: string, _request: FastifyRequest): Promise<StoredUser> {
    const user = await this.users.findStoredByUsername(username);
    const matches = await this.hasher.verify(password, user?.passwordHash);
    if (!user || !matches || user.disabled) {
      throw new UnauthenticatedError('The username or password is wrong.');
    }
    return user;
  }

  async verify(username: string, password: string, request: FastifyRequest): Promise<Principal> {
    const user = await this.check(username, password, request);
    return { id: user.id, username: user.username, roles: user.roles, method: 'basic' };
  }
}
