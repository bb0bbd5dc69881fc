import { ROLES, Role, ApiProperty } from '@techsapo/core';

/** An API key as listed: no key material. */
export class ApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({
    description:
      'The id of the admin who created it. The key acts only within that user’s rights: it is revoked when they are deleted or disabled, and suspended while they lack its role.',
  })
  createdBy!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({
    description: 'True while its creator lacks the key’s role: the key is refused (401).',
  })
  suspended!: boolean;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    description: 'The key itself (tsk_…), shown only in this response.',
    example: 'tsk_…',
  })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) items!: ApiKeyDto[];
}
