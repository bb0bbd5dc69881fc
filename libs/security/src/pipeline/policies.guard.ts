import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthenticatedError } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';
import { AbilityFactory } from '../policies/ability.factory';
import { isPublicRoute, routePolicy } from './route-metadata';

/**
 * Type-level authorisation from the route's @Secured(action, subject). A route that declares
 * no policy at all is refused: forgetting a decorator must not open a route.
 */
@Injectable()
export class PoliciesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly abilities: AbilityFactory,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (isPublicRoute(this.reflector, context)) return true;
    const policy = routePolicy(this.reflector, context);
    if (!policy)
      throw new ForbiddenError('This route declares no access policy.', 'route-without-policy');
    const principal = context.switchToHttp().getRequest<FastifyRequest>().state.principal;
    if (!principal) throw new UnauthenticatedError();
    if (!policy.action || !policy.subject) return true;
    if (!this.abilities.for(principal).can(policy.action, policy.subject)) {
      throw new ForbiddenError(`Your role may not ${policy.action} ${policy.subject}.`);
    }
    return true;
  }
}
