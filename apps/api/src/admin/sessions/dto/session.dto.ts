import { ROLES, Role, ApiProperty } from '@techsapo/core';

export class SessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ example: ['read', 'analyze'], type: [String] }) permissions!: string[];
  @ApiProperty({ example: 'restricted' }) securityLevel!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Absolute end of the session.' })
  expiresAt!: string;
  @ApiProperty({ example: '192.168.1.***', description: 'Masked client address.' }) ip!: string;
  @ApiProperty({ example: 'Mozilla/***', description: 'Masked user agent.' }) userAgent!: string;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] }) items!: SessionDto[];
}
