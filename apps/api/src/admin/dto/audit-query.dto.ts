import { ApiPropertyOptional } from '@techsapo/core';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { AUDIT_ENTRY_TYPES, AuditEntryType, MAX_PAGE } from '@techsapo/audit';

export class AuditRangeQueryDto {
  @ApiPropertyOptional({
    description: 'Entries at or after this instant (ISO 8601).',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({
    description: 'Entries at or before this instant (ISO 8601).',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

export class AuditListQueryDto extends AuditRangeQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_ENTRY_TYPES })
  @IsOptional()
  @IsIn(AUDIT_ENTRY_TYPES)
  type?: AuditEntryType;

  @ApiPropertyOptional({ description: 'Only entries of this principal.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  actorId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'is not a cursor from this list' })
  cursor?: string;
}
