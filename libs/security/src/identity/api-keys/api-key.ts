import type { Role } from '@techsapo/core';

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
  createdBy: string;
  lastUsedAt: string | null;
}

export interface StoredApiKey extends Omit<ApiKey, 'lastUsedAt'> {
  /** SHA-256 of the key, hex: the only trace of the key that is kept. */
  hash: string;
}
