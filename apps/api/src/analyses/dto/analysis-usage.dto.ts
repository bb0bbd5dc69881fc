import { ApiProperty } from '@techsapo/core';
import { CALL_ROLES, CallRole } from '@techsapo/wall-bounce';

/** Usage figures with the counts of billed calls behind them. */
export class BilledCallsDto {
  @ApiProperty({ minimum: 0 }) inputTokens!: number;
  @ApiProperty({ minimum: 0 }) outputTokens!: number;
  @ApiProperty({ minimum: 0, description: 'From the configured prices, in US dollars.' })
  costUsd!: number;
  @ApiProperty({ minimum: 0, description: 'Billed provider calls recorded.' }) calls!: number;
  @ApiProperty({ minimum: 0, description: 'Calls that gave no usable reply (still billed).' })
  failedCalls!: number;
  @ApiProperty({
    minimum: 0,
    description: 'Calls whose provider reported no usage: their figures are estimated.',
  })
  estimatedCalls!: number;
}

export class ProviderUsageDto extends BilledCallsDto {
  @ApiProperty() name!: string;
  @ApiProperty() model!: string;
  @ApiProperty({
    enum: CALL_ROLES,
    isArray: true,
    description: 'The roles it was billed in, in the order first seen.',
  })
  roles!: CallRole[];
}

export class AnalysisUsageDto extends BilledCallsDto {
  @ApiProperty({
    type: [ProviderUsageDto],
    description: 'Per provider, in the order they were first called.',
  })
  providers!: ProviderUsageDto[];
}
