import { ApiPropertyOptional } from '@techsapo/core';
import { IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { MAX_USAGE_REPORT_DAYS } from '@techsapo/wall-bounce';

export class UsageQueryDto {
  @ApiPropertyOptional({
    description: `First day reported: an ISO 8601 date or date-time, taken as its UTC day (default: 6 days before until; at most ${MAX_USAGE_REPORT_DAYS} days in all).`,
    example: '2025-01-01',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({
    description: 'Last day reported, as since (default: today, UTC).',
    example: '2025-01-31',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ description: 'Only this owner: a user id or an API key id.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,128}$/, { message: 'must be a user or API key id' })
  ownerId?: string;
}
