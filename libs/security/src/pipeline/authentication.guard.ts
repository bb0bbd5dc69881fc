import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { UnauthenticatedError } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';
import { securityConfig } from '../config/security.config';
import { PROTECTED_RESOURCE } from '../decorators/protected-resource.decorator';
import { Authenticator } from './authenticator';
import { isPublicRoute } from './route-metadata';

/**
 * Authenticated by default: every route not marked @Public() needs a principal. A route
 * marked @ProtectedResource() names its resource metadata in the 401 challenge.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
    @Optional() private readonly authenticator?: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublicRoute(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    try {
      if (!this.authenticator) throw new UnauthenticatedError();
      request.state.principal ??= await this.authenticator.authenticate(request);
    } catch (error) {
      const metadata = this.reflector.getAllAndOverride<string | undefined>(PROTECTED_RESOURCE, [
        context.getHandler(),
        context.getClass(),
      ]);
      if (!metadata || !(error instanceof UnauthenticatedError)) throw error;
      const challenge = String(error.options.headers?.['WWW-Authenticate'] ?? 'Bearer');
      throw new UnauthenticatedError(
        error.detail,
        `${challenge}, resource_metadata="${publicBase(this.config.publicUrl, request)}${metadata}"`,
      );
    }
    return true;
  }
}

/** PUBLIC_URL, or where this request reached us. */
export function publicBase(publicUrl: string, request: FastifyRequest): string {
  return publicUrl || `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}
