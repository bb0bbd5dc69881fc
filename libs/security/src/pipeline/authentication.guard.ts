import { CanActivate, ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UnauthenticatedError } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';
import { Authenticator } from './authenticator';
import { isPublicRoute } from './route-metadata';

/** Authenticated by default: every route not marked @Public() needs a principal. */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Optional() private readonly authenticator?: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublicRoute(this.reflector, context)) return true;
    if (!this.authenticator) throw new UnauthenticatedError();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.state.principal ??= await this.authenticator.authenticate(request);
    return true;
  }
}
