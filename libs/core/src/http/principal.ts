export const ROLES = ['admin', 'analyst', 'ci', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, however they authenticated (API.md "Authentication"). */
export interface Principal {
  id: string;
  username: string;
  roles: Role[];
  sessionId?: string;
  apiKeyId?: string;
  /** How the principal was established: jwt, basic, api-key, or an OpenID Connect issuer's token. */
  method: 'jwt' | 'basic' | 'api-key' | 'oidc';
}
