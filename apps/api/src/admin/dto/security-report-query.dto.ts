import { ApiPropertyOptional } from '@techsapo/core';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AuditRangeQueryDto } from './audit-query.dto';

export class SecurityReportQueryDto extends AuditRangeQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100,
    default: 10,
    description: 'Rows in each "top" table.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  top?: number;
}
