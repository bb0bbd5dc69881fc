import { ROLES, Role, ApiProperty } from '@techsapo/core';

/** The console's view of its own session; the access token itself stays in the cookie. */
export class ConsoleSessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() sessionId!: string;
  @ApiProperty({
    description:
      'Send it as X-CSRF-Token on every state change (POST, PUT, PATCH, DELETE) made with the cookie.',
  })
  csrfToken!: string;
  @ApiProperty({ description: 'Seconds until the cookie (the access token) expires.' })
  expiresIn!: number;
}
