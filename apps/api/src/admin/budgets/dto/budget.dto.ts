import { ApiProperty } from '@techsapo/core';
import { OWNER_KINDS, OwnerKind } from '@techsapo/wall-bounce';

const BUDGET_SOURCES = ['override', 'default', 'none'] as const;

export class BudgetDto {
  @ApiProperty({ enum: OWNER_KINDS }) kind!: OwnerKind;
  @ApiProperty({ description: 'The user id or API key id.' }) id!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The username or API key name; null for an override of one that is gone.',
  })
  name!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    description: 'The daily budget in force, in USD; null = none.',
  })
  dailyUsd!: number | null;
  @ApiProperty({
    enum: BUDGET_SOURCES,
    description: 'An administrator’s override, the default of the settings, or none.',
  })
  source!: (typeof BUDGET_SOURCES)[number];
  @ApiProperty({ type: Number, nullable: true, minimum: 0, description: 'null = the default.' })
  overrideUsd!: number | null;
  @ApiProperty({ minimum: 0, description: 'Spent today (UTC), in USD.' }) spentTodayUsd!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    description: 'Left for today, in USD; null without a budget.',
  })
  remainingTodayUsd!: number | null;
}

export class BudgetDefaultsDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'BUDGET_DAILY_USD_PER_USER; null = none.',
  })
  userDailyUsd!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'BUDGET_DAILY_USD_PER_API_KEY; null = none.',
  })
  apiKeyDailyUsd!: number | null;
}

export class BudgetOverviewDto {
  @ApiProperty({ type: BudgetDefaultsDto }) defaults!: BudgetDefaultsDto;
  @ApiProperty({ description: 'Today (UTC), YYYY-MM-DD.', example: '2025-01-31' }) day!: string;
  @ApiProperty({ format: 'date-time', description: 'When today’s budgets renew.' })
  resetsAt!: string;
  @ApiProperty({
    type: [BudgetDto],
    description: 'Every user, every API key, and overrides of users or keys that are gone.',
  })
  items!: BudgetDto[];
}
