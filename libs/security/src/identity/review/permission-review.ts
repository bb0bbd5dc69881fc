import type { Role } from '@techsapo/core';

export const REVIEW_INACTIVE_DAYS = 30;

export type UserFlag = 'admin' | 'inactive-30-days';
export type ApiKeyFlag =
  | 'admin'
  | 'never-used'
  | 'unused-30-days'
  | 'no-expiry'
  | 'expired'
  | 'creator-gone'
  | 'creator-disabled'
  | 'suspended';

export interface ReviewedUser {
  id: string;
  username: string;
  roles: Role[];
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  activeSessions: number;
  flags: UserFlag[];
}

export interface ReviewedApiKey {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdBy: string;
  flags: ApiKeyFlag[];
}

/** AU3: who may do what, and what deserves a second look. */
export interface PermissionReview {
  generatedAt: string;
  users: ReviewedUser[];
  apiKeys: ReviewedApiKey[];
  summary: { users: number; apiKeys: number; flaggedUsers: number; flaggedApiKeys: number };
}
