import type { Role } from '@techsapo/core';

/** The claims of an access token (besides iss, aud, iat, nbf, exp). */
export interface AccessClaims {
  sub: string;
  sid: string;
  roles: Role[];
  name: string;
}
