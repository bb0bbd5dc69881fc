import { Module } from '@nestjs/common';
import { AnalysesModule } from '@techsapo/wall-bounce';
import { AdminApiKeysController } from './admin/api-keys/admin-api-keys.controller';
import { AdminBlocksController } from './admin/blocks/admin-blocks.controller';
import { AdminBudgetsController } from './admin/budgets/admin-budgets.controller';
import { AdminReviewController } from './admin/review/admin-review.controller';
import { AdminSessionsController } from './admin/sessions/admin-sessions.controller';
import { AdminUsageController } from './admin/usage/admin-usage.controller';
import { AdminUsersController } from './admin/users/admin-users.controller';
import { AnalysesController } from './analyses/analyses.controller';
import { AuthController } from './auth/auth.controller';
import { ConsoleSessionController } from './auth/console-session.controller';

/** The REST API of the `api` role: identity, administration (budgets and usage too) and analyses. */
@Module({
  imports: [AnalysesModule],
  controllers: [
    AnalysesController,
    AuthController,
    ConsoleSessionController,
    AdminUsersController,
    AdminApiKeysController,
    AdminSessionsController,
    AdminBlocksController,
    AdminReviewController,
    AdminBudgetsController,
    AdminUsageController,
  ],
})
export class ApiModule {}
