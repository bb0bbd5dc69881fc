import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { ROLES, Role, ApiProperty } from '@techsapo/core';

export class CreateUserDto {
  @ApiProperty({ example: 'alice', pattern: '^[A-Za-z0-9._@-]{3,64}$' })
  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{3,64}$/, {
    message: 'must be 3–64 letters, digits or . _ @ -',
  })
  username!: string;

  @ApiProperty({ format: 'password', minLength: 12, maxLength: 256, writeOnly: true })
  @IsString()
  @Length(12, 256)
  password!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['analyst'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}
