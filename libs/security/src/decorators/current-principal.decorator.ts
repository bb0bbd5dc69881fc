import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Principal, UnauthenticatedError } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';

/** The authenticated principal of the request; only on routes that require one. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal => {
    const principal = ctx.switchToHttp().getRequest<FastifyRequest>().state.principal;
    if (!principal) throw new UnauthenticatedError();
    return principal;
  },
);
