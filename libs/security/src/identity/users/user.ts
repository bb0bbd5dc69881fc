import type { Role } from '@techsapo/core';

/** A user as stored; `passwordHash` never leaves the users service. */
export interface StoredUser {
  id: string;
  username: string;
  roles: Role[];
  disabled: boolean;
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
  lastLoginAt?: string;
}

export type User = Omit<StoredUser, 'passwordHash'>;

export function withoutSecrets(user: StoredUser): User {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}
