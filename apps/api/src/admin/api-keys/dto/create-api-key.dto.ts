import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ROLES, Role, ApiProperty, ApiPropertyOptional } from '@techsapo/core';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-main', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'ci' })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, description: 'Omit for a key without expiry.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}
