import type { Principal } from '@techsapo/core';

export const OWNER_KINDS = ['user', 'api-key'] as const;
/** Whom an analysis, its spend and a daily budget belong to: a user or an API key. */
export type OwnerKind = (typeof OWNER_KINDS)[number];

export interface Owner {
  id: string;
  kind: OwnerKind;
}

/** An API key owns what it creates (its id is the principal's); anyone else is a user. */
export function ownerOf(principal: Principal): Owner {
  return principal.apiKeyId
    ? { id: principal.apiKeyId, kind: 'api-key' }
    : { id: principal.id, kind: 'user' };
}
