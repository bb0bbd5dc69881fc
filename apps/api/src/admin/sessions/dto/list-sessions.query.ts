import { ApiPropertyOptional } from '@techsapo/core';
import { IsOptional, IsString, Length } from 'class-validator';

export class ListSessionsQuery {
  @ApiPropertyOptional({ description: "Only this user's sessions." })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  userId?: string;
}
