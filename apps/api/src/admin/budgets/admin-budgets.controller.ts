import { AuditType } from '@techsapo/audit';
import { Body, Controller, Get, Put, Req } from '@nestjs/common';
import { IdParam, ApiOkResponse, ApiOperation, ApiTags } from '@techsapo/core';
import { Action, Secured } from '@techsapo/security';
import { BudgetsService, OwnerKind } from '@techsapo/wall-bounce';
import type { FastifyRequest } from 'fastify';
import { BudgetDto, BudgetOverviewDto } from './dto/budget.dto';
import { SetBudgetDto } from './dto/set-budget.dto';

@ApiTags('admin')
@AuditType('admin')
@Controller('api/v1/admin/budgets')
export class AdminBudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Get()
  @Secured(Action.Read, 'Budget')
  @ApiOperation({
    summary: 'Daily budgets: the defaults, and every user and API key with its budget and spend',
  })
  @ApiOkResponse({ type: BudgetOverviewDto })
  overview(): Promise<BudgetOverviewDto> {
    return this.budgets.overview();
  }

  @Put('users/:id')
  @Secured(Action.Update, 'Budget')
  @ApiOperation({ summary: "Set a user's daily budget (null: the default again)" })
  @ApiOkResponse({ type: BudgetDto })
  setForUser(
    @IdParam() id: string,
    @Body() body: SetBudgetDto,
    @Req() request: FastifyRequest,
  ): Promise<BudgetDto> {
    return this.set('user', id, body, request);
  }

  @Put('api-keys/:id')
  @Secured(Action.Update, 'Budget')
  @ApiOperation({ summary: "Set an API key's daily budget (null: the default again)" })
  @ApiOkResponse({ type: BudgetDto })
  setForApiKey(
    @IdParam() id: string,
    @Body() body: SetBudgetDto,
    @Req() request: FastifyRequest,
  ): Promise<BudgetDto> {
    return this.set('api-key', id, body, request);
  }

  private set(
    kind: OwnerKind,
    id: string,
    body: SetBudgetDto,
    request: FastifyRequest,
  ): Promise<BudgetDto> {
    // The audit entry says what changed.
    request.state.details.budget = { kind, id, dailyUsd: body.dailyUsd };
    return this.budgets.set({ kind, id }, body.dailyUsd);
  }
}
