import { ApiPropertyOptional } from '@techsapo/core';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  ANALYSIS_STATUSES,
  AnalysisStatus,
  DEFAULT_ANALYSES_PAGE,
  MAX_ANALYSES_PAGE,
} from '@techsapo/wall-bounce';

export class ListAnalysesQueryDto {
  @ApiPropertyOptional({ enum: ANALYSIS_STATUSES })
  @IsOptional()
  @IsIn(ANALYSIS_STATUSES)
  status?: AnalysisStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ANALYSES_PAGE, default: DEFAULT_ANALYSES_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ANALYSES_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,128}$/, { message: 'is not a cursor from this list' })
  cursor?: string;
}
