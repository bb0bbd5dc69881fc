import { ApiProperty } from '@techsapo/core';
import { IsIn, IsInt, IsIP, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { BLOCK_KINDS, BlockKind } from '@techsapo/security';

export class CreateBlockDto {
  @ApiProperty({ enum: BLOCK_KINDS })
  @IsIn(BLOCK_KINDS)
  kind!: BlockKind;

  @ApiProperty({
    description: 'A client address, a user id or a session id.',
    example: '203.0.113.7',
  })
  @IsString()
  @Length(1, 200)
  @ValidateIf((o: CreateBlockDto) => o.kind === 'ip')
  @IsIP(undefined, { message: 'must be an IP address for kind "ip"' })
  value!: string;

  @ApiProperty({ example: 'Credential stuffing from this address' })
  @IsString()
  @Length(1, 500)
  reason!: string;

  @ApiProperty({ minimum: 1, maximum: 31_536_000, example: 3600 })
  @IsInt()
  @Min(1)
  @Max(31_536_000)
  ttlSeconds!: number;
}
