import { IsNumber, IsOptional, Max, Min } from 'class-validator';
import { defineConfig } from '@techsapo/core';

/** The largest daily budget a setting or an administrator may give, in USD. */
export const MAX_DAILY_BUDGET_USD = 1_000_000;

class BudgetsEnv {
  /** Daily budget of each user in USD (UTC days); unset = none. Admins override it per user. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_DAILY_BUDGET_USD)
  BUDGET_DAILY_USD_PER_USER?: number;

  /** Daily budget of each API key in USD (UTC days); unset = none. Admins override it per key. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_DAILY_BUDGET_USD)
  BUDGET_DAILY_USD_PER_API_KEY?: number;
}

export interface BudgetsConfig {
  /** The default daily budget per owner kind; null = none. */
  dailyUsd: { user: number | null; 'api-key': number | null };
}

export const budgetsConfig = defineConfig('budgets', BudgetsEnv, (e): BudgetsConfig => ({
  dailyUsd: {
    user: e.BUDGET_DAILY_USD_PER_USER ?? null,
    'api-key': e.BUDGET_DAILY_USD_PER_API_KEY ?? null,
  },
}));
