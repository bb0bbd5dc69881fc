import { ApiProperty } from '@techsapo/core';
import { IsNumber, Max, Min, ValidateIf } from 'class-validator';
import { MAX_DAILY_BUDGET_USD } from '@techsapo/wall-bounce';

export class SetBudgetDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: MAX_DAILY_BUDGET_USD,
    description:
      'Daily budget in USD (UTC days); 0 allows nothing; null = back to the default of the settings.',
  })
  // Required, and null is a value: only a present non-null value is checked as a number.
  @ValidateIf((body: SetBudgetDto) => body.dailyUsd !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_DAILY_BUDGET_USD)
  dailyUsd!: number | null;
}
