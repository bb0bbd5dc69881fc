import type { Role } from '@techsapo/core';

/** The name an API key acts under: never a bare name that could pass for a user's. */
export function apiKeyActorName(name: string): string {
  return `api-key:${name}`;
}

/** Which roles each role's rights include (analyst can do all a ci key or a viewer can). */
const COVERED: Record<Role, readonly Role[]> = {
  admin: ['admin', 'analyst', 'ci', 'viewer'],
  analyst: ['analyst', 'ci', 'viewer'],
  ci: ['ci'],
  viewer: ['viewer'],
};

/** Whether someone holding `roles` may have a key acting with `role`. */
export function rolesCover(roles: readonly Role[], role: Role): boolean {
  return roles.some((held) => COVERED[held].includes(role));
}

export const API_KEY_PREFIX = 'tsk_';
/** tsk_ + base64url of at least 32 random bytes. */
export const API_KEY_SHAPE = /^tsk_[A-Za-z0-9_-]{43,128}$/;

/** An API key as listed: never the key, never its hash. */
export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  expiresAt: string | null;
  /** The id of the user who created it; the key lives and acts only within that user's rights. */
  createdBy: string;
  lastUsedAt: string | null;
  /** Set while its creator no longer holds the key's role: the key is refused until they do. */
  suspended: boolean;
}

export interface StoredApiKey extends Omit<ApiKey, 'lastUsedAt' | 'suspended'> {
  suspended?: boolean;
  /** SHA-256 of the key, hex: the only trace of the key that is kept. */
  hash: string;
}
