import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '@techsapo/core';
import { Public } from '../decorators/public.decorator';
import { Secured } from '../decorators/secured.decorator';
import { AbilityFactory } from '../policies/ability.factory';
import { Action } from '../policies/action';
import { PoliciesGuard } from './policies.guard';

class Routes {
  @Secured(Action.Delete, 'User') deleteUser(): void {}
  @Secured() anyone(): void {}
  @Public() open(): void {}
  undeclared(): void {}
}

/** Inherits every handler; its class-level @Public() opens them all. */
@Public()
class PublicRoutes extends Routes {}

const contextFor = (
  handler: keyof Routes,
  principal?: Principal,
  controller: typeof Routes = Routes,
): ExecutionContext =>
  ({
    getHandler: () => Routes.prototype[handler],
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => ({ state: { principal } }) }),
  }) as unknown as ExecutionContext;

const as = (role: Principal['roles'][number]): Principal => ({
  id: 'u-1',
  username: 'u',
  roles: [role],
  method: 'jwt',
});

describe('PoliciesGuard', () => {
  const guard = new PoliciesGuard(new Reflector(), new AbilityFactory());

  it('lets a public route through without a principal', () => {
    expect(guard.canActivate(contextFor('open'))).toBe(true);
  });

  it('refuses a route that declares no policy, whoever calls (403 route-without-policy)', () => {
    expect(() => guard.canActivate(contextFor('undeclared', as('admin')))).toThrow(
      expect.objectContaining({ status: 403, code: 'route-without-policy' }),
    );
  });

  it('asks for authentication on a secured route without a principal (401)', () => {
    expect(() => guard.canActivate(contextFor('anyone'))).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });

  it('checks the role against the action and subject: 403 when the role may not', () => {
    expect(guard.canActivate(contextFor('deleteUser', as('admin')))).toBe(true);
    expect(() => guard.canActivate(contextFor('deleteUser', as('analyst')))).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(guard.canActivate(contextFor('anyone', as('viewer')))).toBe(true);
  });

  it("reads a handler inherited by another controller with that controller's declarations", () => {
    expect(() => guard.canActivate(contextFor('undeclared', as('admin')))).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(guard.canActivate(contextFor('undeclared', undefined, PublicRoutes))).toBe(true);
    expect(() => guard.canActivate(contextFor('undeclared', as('admin')))).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });
});
