import { ROLES, Role, ApiProperty, ApiPropertyOptional } from '@techsapo/core';

export class PrincipalDto {
  @ApiProperty() id!: string;
  @ApiProperty({
    description: 'The user name; for an API key `api-key:<name>` (its `id` is the key id).',
  })
  username!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiPropertyOptional() sessionId?: string;
  @ApiPropertyOptional() apiKeyId?: string;
  @ApiProperty({
    enum: ['jwt', 'basic', 'api-key', 'oidc'],
    description: 'How the caller authenticated (oidc: a token of the configured OpenID issuer).',
  })
  method!: 'jwt' | 'basic' | 'api-key' | 'oidc';
}
