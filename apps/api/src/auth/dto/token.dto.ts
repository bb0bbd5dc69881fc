import { ApiProperty } from '@techsapo/core';

export class TokenDto {
  @ApiProperty({ description: 'JWT access token; send it as `Authorization: Bearer …`.' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires.', example: 3600 })
  expiresIn!: number;

  @ApiProperty({ description: 'The session the token belongs to.' })
  sessionId!: string;
}
