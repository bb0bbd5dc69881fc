import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { SecurityEventService } from '@techsapo/audit';
import { Principal, TooManyRequestsError, UnauthenticatedError } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { PasswordHasher } from '../credentials/password-hasher';
import { AUTH_ATTEMPTS } from '../identity.metrics';
import type { StoredUser } from '../users/user';
import { UsersService } from '../users/users.service';
import { LoginBansService } from './login-bans.service';

export type PasswordMethod = 'login' | 'basic';

/**
 * Checks a username and password (login and Basic). A banned name or address is refused
 * before any check (AU5). An unknown or disabled user costs the same scrypt as a known one and
 * gets the same answer, so neither time nor message tells them apart.
 */
@Injectable()
export class PasswordLogin {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly bans: LoginBansService,
    private readonly events: SecurityEventService,
    @InjectMetric(AUTH_ATTEMPTS) private readonly attempts: Counter<string>,
  ) {}

  async check(
    username: string,
    password: string,
    request: FastifyRequest,
    method: PasswordMethod,
  ): Promise<StoredUser> {
    const bannedFor = await this.bans.bannedFor(username, request.ip);
    if (bannedFor > 0) {
      this.attempts.inc({ result: 'banned', method });
      throw new TooManyRequestsError(
        bannedFor,
        'Too many failed logins: try again later.',
        'login-banned',
      );
    }
    const user = await this.users.findStoredByUsername(username);
    const matches = await this.hasher.verify(password, user?.passwordHash);
    if (!user || !matches || user.disabled) {
      this.attempts.inc({ result: 'failure', method });
      await this.failed(username, request, method);
      throw new UnauthenticatedError('The username or password is wrong.');
    }
    this.attempts.inc({ result: 'success', method });
    await this.bans.recordSuccess(username);
    return user;
  }

  async verify(username: string, password: string, request: FastifyRequest): Promise<Principal> {
    const user = await this.check(username, password, request, 'basic');
    return { id: user.id, username: user.username, roles: user.roles, method: 'basic' };
  }

  private async failed(
    username: string,
    request: FastifyRequest,
    method: PasswordMethod,
  ): Promise<void> {
    const banStarted = await this.bans.recordFailure(username, request.ip);
    this.events.report({
      eventType: banStarted ? 'SUSPICIOUS_ACTIVITY' : 'AUTHENTICATION_FAILURE',
      severity: banStarted ? 'HIGH' : 'LOW',
      violationType: banStarted ? 'BRUTE_FORCE' : 'INVALID_CREDENTIALS',
      blocked: true,
      source: 'auth',
      requestId: request.state?.requestId,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      details: { method, banStarted },
    });
  }
}
