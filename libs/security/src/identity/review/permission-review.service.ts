import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service';
import type { ApiKey } from '../api-keys/api-key';
import { SessionsService } from '../sessions/sessions.service';
import type { User } from '../users/user';
import { UsersService } from '../users/users.service';
import {
  ApiKeyFlag,
  PermissionReview,
  REVIEW_INACTIVE_DAYS,
  ReviewedApiKey,
  ReviewedUser,
  UserFlag,
} from './permission-review';

const DAY_MS = 86_400_000;

/**
 * The periodic permission review (AU3): every user and API key with what it may do and the
 * findings to look at. Last login and last use come from what login and the batched key-use
 * writer already record, so reviewing adds nothing to the request path.
 */
@Injectable()
export class PermissionReviewService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async review(now = new Date()): Promise<PermissionReview> {
    const [users, sessions, keys] = await Promise.all([
      this.users.list(),
      this.sessions.list(),
      this.apiKeys.list(),
    ]);
    const perUser = new Map<string, number>();
    for (const s of sessions) perUser.set(s.userId, (perUser.get(s.userId) ?? 0) + 1);
    const reviewedUsers = users.map((u) => reviewUser(u, perUser.get(u.id) ?? 0, now));
    const byId = new Map(users.map((u) => [u.id, u]));
    const reviewedKeys = keys.map((k) => reviewApiKey(k, byId.get(k.createdBy), now));
    return {
      generatedAt: now.toISOString(),
      users: reviewedUsers,
      apiKeys: reviewedKeys,
      summary: {
        users: reviewedUsers.length,
        apiKeys: reviewedKeys.length,
        flaggedUsers: reviewedUsers.filter((u) => u.flags.length > 0).length,
        flaggedApiKeys: reviewedKeys.filter((k) => k.flags.length > 0).length,
      },
    };
  }
}

function olderThan(iso: string, days: number, now: Date): boolean {
  return now.getTime() - Date.parse(iso) > days * DAY_MS;
}

function reviewUser(user: User, activeSessions: number, now: Date): ReviewedUser {
  const flags: UserFlag[] = [];
  if (user.roles.includes('admin')) flags.push('admin');
  if (olderThan(user.lastLoginAt ?? user.createdAt, REVIEW_INACTIVE_DAYS, now)) {
    flags.push('inactive-30-days');
  }
  return {
    id: user.id,
    username: user.username,
    roles: user.roles,
    disabled: user.disabled,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt ?? null,
    activeSessions,
    flags,
  };
}

function reviewApiKey(key: ApiKey, creator: User | undefined, now: Date): ReviewedApiKey {
  const flags: ApiKeyFlag[] = [];
  if (key.role === 'admin') flags.push('admin');
  if (!creator) flags.push('creator-gone');
  else if (creator.disabled) flags.push('creator-disabled');
  if (key.suspended) flags.push('suspended');
  if (!key.lastUsedAt) flags.push('never-used');
  else if (olderThan(key.lastUsedAt, REVIEW_INACTIVE_DAYS, now)) flags.push('unused-30-days');
  if (!key.expiresAt) flags.push('no-expiry');
  else if (Date.parse(key.expiresAt) <= now.getTime()) flags.push('expired');
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
    createdBy: key.createdBy,
    flags,
  };
}
