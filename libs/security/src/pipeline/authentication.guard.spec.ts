import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UnauthenticatedError, ValidationFailedError, type Principal } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';
import { securityConfig } from '../config/security.config';
import { ProtectedResource } from '../decorators/protected-resource.decorator';
import { Public } from '../decorators/public.decorator';
import { AuthenticationGuard } from './authentication.guard';
import { Authenticator } from './authenticator';

class Routes {
  @Public() open(): void {}
  closed(): void {}
  @ProtectedResource('/.well-known/oauth-protected-resource/mcp') mcp(): void {}
}

const alice: Principal = { id: 'u-1', username: 'alice', roles: ['analyst'], method: 'jwt' };

/** Answers with `principal`, or throws `error`; counts its calls. */
class FixedAuthenticator extends Authenticator {
  calls = 0;
  constructor(private readonly outcome: Principal | Error) {
    super();
  }

  async authenticate(): Promise<Principal> {
    this.calls += 1;
    if (this.outcome instanceof Error) throw this.outcome;
    return this.outcome;
  }
}

function attempt(
  handler: keyof Routes,
  authenticator: Authenticator | undefined,
  options: { publicUrl?: string; principal?: Principal } = {},
) {
  const config = securityConfig.read({ PUBLIC_URL: options.publicUrl ?? '' });
  const guard = new AuthenticationGuard(new Reflector(), config, authenticator);
  const request = {
    state: { principal: options.principal },
    protocol: 'https',
    headers: { host: 'gateway.example' },
  } as unknown as FastifyRequest;
  const context = {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { result: guard.canActivate(context), request };
}

describe('AuthenticationGuard', () => {
  it('lets a public route through without asking the authenticator', async () => {
    const authenticator = new FixedAuthenticator(new UnauthenticatedError());
    await expect(attempt('open', authenticator).result).resolves.toBe(true);
    expect(authenticator.calls).toBe(0);
  });

  it('puts the authenticated principal on the request', async () => {
    const { result, request } = attempt('closed', new FixedAuthenticator(alice));
    await expect(result).resolves.toBe(true);
    expect(request.state.principal).toEqual(alice);
  });

  it('keeps a principal an earlier step established, without authenticating again', async () => {
    const authenticator = new FixedAuthenticator(new UnauthenticatedError());
    const { result, request } = attempt('closed', authenticator, { principal: alice });
    await expect(result).resolves.toBe(true);
    expect(request.state.principal).toBe(alice);
    expect(authenticator.calls).toBe(0);
  });

  it('refuses every route but the public ones when no authenticator is provided (401)', async () => {
    await expect(attempt('closed', undefined).result).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(attempt('open', undefined).result).resolves.toBe(true);
  });

  it('passes the authenticator’s refusal on as it is on an ordinary route', async () => {
    const refusal = new UnauthenticatedError('Invalid API key', 'ApiKey');
    await expect(attempt('closed', new FixedAuthenticator(refusal)).result).rejects.toBe(refusal);
  });

  it('names the resource metadata in the challenge of a protected resource, from PUBLIC_URL', async () => {
    const refusal = new UnauthenticatedError('Token expired', 'Bearer error="invalid_token"');
    const fromConfig = attempt('mcp', new FixedAuthenticator(refusal), {
      publicUrl: 'https://techsapo.example/',
    }).result;
    await expect(fromConfig).rejects.toMatchObject({
      status: 401,
      detail: 'Token expired',
      options: {
        headers: {
          'WWW-Authenticate':
            'Bearer error="invalid_token", resource_metadata="https://techsapo.example/.well-known/oauth-protected-resource/mcp"',
        },
      },
    });
  });

  it('without PUBLIC_URL, names the metadata where the request reached the service', async () => {
    const refused = attempt('mcp', undefined).result;
    await expect(refused).rejects.toMatchObject({
      options: {
        headers: {
          'WWW-Authenticate':
            'Bearer realm="techsapo", resource_metadata="https://gateway.example/.well-known/oauth-protected-resource/mcp"',
        },
      },
    });
  });

  it('does not turn another error of a protected resource into a challenge', async () => {
    const broken = new ValidationFailedError([{ field: 'authorization', message: 'malformed' }]);
    await expect(attempt('mcp', new FixedAuthenticator(broken)).result).rejects.toBe(broken);
  });
});
