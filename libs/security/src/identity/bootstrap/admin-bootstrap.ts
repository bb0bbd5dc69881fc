import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ConflictError } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import { securityConfig } from '../../config/security.config';
import { UsersService } from '../users/users.service';

/**
 * First start: with no admin, one is created from ADMIN_USERNAME/ADMIN_PASSWORD. In development
 * without ADMIN_PASSWORD a random password is generated and printed once to the terminal (not
 * the log); production refuses to start without one.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    private readonly users: UsersService,
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.hasAdmin()) return;
    const { username, password } = this.config.admin;
    if (!password && this.config.production) {
      throw new Error(
        'No admin exists: set ADMIN_USERNAME and ADMIN_PASSWORD for the first start.',
      );
    }
    const chosen = password ?? randomBytes(18).toString('base64url');
    try {
      await this.users.create({ username, password: chosen, roles: ['admin'] });
    } catch (error) {
      if (error instanceof ConflictError) return; // another instance created it first
      throw error;
    }
    this.logger.log(`created the first admin "${username}"`);
    if (!password) {
      process.stdout.write(
        `\nFirst admin "${username}" created with the generated password: ${chosen}\n` +
          'It is shown only this once. ADMIN_PASSWORD chooses it on a first start only; to reset\n' +
          `a lost password: npm run admin:reset-password -- --username ${username}\n\n`,
      );
    }
  }
}
