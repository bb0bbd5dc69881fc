import { ROLES, Role, ApiProperty } from '@techsapo/core';
import type { ApiKeyFlag, UserFlag } from '@techsapo/security';

const USER_FLAGS: UserFlag[] = ['admin', 'inactive-30-days'];
const API_KEY_FLAGS: ApiKeyFlag[] = [
  'admin',
  'never-used',
  'unused-30-days',
  'no-expiry',
  'expired',
  'creator-gone',
  'creator-disabled',
  'suspended',
];

export class ReviewedUserDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastLoginAt!: string | null;
  @ApiProperty() activeSessions!: number;
  @ApiProperty({ enum: USER_FLAGS, isArray: true, description: 'What to look at.' })
  flags!: UserFlag[];
}

export class ReviewedApiKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ description: 'The id of the user who created it.' }) createdBy!: string;
  @ApiProperty({ enum: API_KEY_FLAGS, isArray: true, description: 'What to look at.' })
  flags!: ApiKeyFlag[];
}

export class ReviewSummaryDto {
  @ApiProperty() users!: number;
  @ApiProperty() apiKeys!: number;
  @ApiProperty() flaggedUsers!: number;
  @ApiProperty() flaggedApiKeys!: number;
}

export class PermissionReviewDto {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: [ReviewedUserDto] }) users!: ReviewedUserDto[];
  @ApiProperty({ type: [ReviewedApiKeyDto] }) apiKeys!: ReviewedApiKeyDto[];
  @ApiProperty({ type: ReviewSummaryDto }) summary!: ReviewSummaryDto;
}
