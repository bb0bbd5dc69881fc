import { ApiProperty } from '@techsapo/core';
import { IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'alice', minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ format: 'password', minLength: 1, maxLength: 1024, writeOnly: true })
  @IsString()
  @Length(1, 1024)
  password!: string;
}
