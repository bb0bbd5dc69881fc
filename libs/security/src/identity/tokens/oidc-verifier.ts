import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Principal, ROLES, Role } from '@techsapo/core';
import { createHash } from 'node:crypto';
import { securityConfig } from '../../config/security.config';
import { InvalidTokenError } from './invalid-token.error';

/** jose is an ES module: loaded once, on the first token of the issuer. */
type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
type KeySet = ReturnType<Jose['createRemoteJWKSet']>;
const loadJose = (): Promise<Jose> => import('jose');

/**
 * Access tokens of the configured OpenID Connect issuer (OIDC_ISSUER), as the MCP
 * authorization specification has remote servers accept them: the signature checked against
 * the issuer's JWKS (found through its discovery document, keys cached and refreshed by jose),
 * the issuer, and the audience bound to this resource (OIDC_AUDIENCE), so a token issued for
 * another service is refused. The principal is `oidc:<digest of issuer and subject>` with the
 * roles its roles claim names (viewer when none).
 */
@Injectable()
export class OidcVerifier {
  private keys?: Promise<KeySet>;

  constructor(
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
  ) {}

  /** Whether a bearer token claims to come from the configured issuer (not yet verified). */
  claims(token: string): boolean {
    const oidc = this.config.oidc;
    if (!oidc) return false;
    try {
      const payload = JSON.parse(
        Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
      ) as { iss?: unknown };
      return typeof payload.iss === 'string' && payload.iss.replace(/\/$/, '') === oidc.issuer;
    } catch {
      return false;
    }
  }

  async verify(token: string): Promise<Principal> {
    const oidc = this.config.oidc;
    if (!oidc) throw new InvalidTokenError('invalid');
    const jose = await loadJose();
    let payload: Awaited<ReturnType<Jose['jwtVerify']>>['payload'];
    try {
      ({ payload } = await jose.jwtVerify(token, await this.keySet(jose), {
        issuer: [oidc.issuer, `${oidc.issuer}/`],
        audience: oidc.audience,
      }));
    } catch (error) {
      if (error instanceof jose.errors.JWTExpired) throw new InvalidTokenError('expired');
      // A failed discovery is tried again on the next token.
      if (!(error instanceof jose.errors.JOSEError)) this.keys = undefined;
      throw new InvalidTokenError('invalid');
    }
    if (!payload.sub) throw new InvalidTokenError('invalid');
    const named = rolesOf(payload[oidc.rolesClaim]);
    return {
      id: `oidc:${createHash('sha256').update(`${oidc.issuer}\u0000${payload.sub}`).digest('hex').slice(0, 32)}`,
      username:
        typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub,
      roles: named.length > 0 ? named : ['viewer'],
      method: 'oidc',
    };
  }

  private keySet(jose: Jose): Promise<KeySet> {
    this.keys ??= this.discover(jose);
    return this.keys;
  }

  /** The issuer's JWKS location from its discovery document (OpenID Connect Discovery). */
  private async discover(jose: Jose): Promise<KeySet> {
    const issuer = (this.config.oidc as { issuer: string }).issuer;
    const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`OIDC discovery answered ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
    if (!jwksUri) throw new Error('OIDC discovery names no jwks_uri');
    return jose.createRemoteJWKSet(new URL(jwksUri));
  }
}

function rolesOf(claim: unknown): Role[] {
  const values = typeof claim === 'string' ? claim.split(/\s+/) : Array.isArray(claim) ? claim : [];
  return values.filter((v): v is Role => (ROLES as readonly string[]).includes(v as string));
}
