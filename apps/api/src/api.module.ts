import { Module } from '@nestjs/common';
import { AdminApiKeysController } from './admin/api-keys/admin-api-keys.controller';
import { AdminBlocksController } from './admin/blocks/admin-blocks.controller';
import { AdminReviewController } from './admin/review/admin-review.controller';
import { AdminSessionsController } from './admin/sessions/admin-sessions.controller';
import { AdminUsersController } from './admin/users/admin-users.controller';
import { AuthController } from './auth/auth.controller';

/** The REST API of the `api` role: identity and administration (more features add theirs). */
@Module({
  controllers: [
    AuthController,
    AdminUsersController,
    AdminApiKeysController,
    AdminSessionsController,
    AdminBlocksController,
    AdminReviewController,
  ],
})
export class ApiModule {}
