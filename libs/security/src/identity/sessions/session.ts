import type { Role } from '@techsapo/core';

/** AU2: what a session may do and how it is treated, carried in the session data. */
export const SESSION_PERMISSIONS = ['read', 'analyze'] as const;
export const SESSION_SECURITY_LEVEL = 'restricted';

export interface Session {
  id: string;
  userId: string;
  username: string;
  roles: Role[];
  permissions: string[];
  securityLevel: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  /** Masked at creation: the full address and agent are never stored. */
  ip: string;
  userAgent: string;
}

/** What a request learns from checking its session (one round trip). */
export interface ActiveSession {
  userId: string;
  username: string;
  roles: Role[];
  expiresAt: number;
  /** The last activity recorded, in ms since the epoch. */
  lastSeenAt: number;
}
