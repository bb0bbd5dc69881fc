import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { POLICY, RoutePolicy } from '../decorators/secured.decorator';

export function isPublicRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return (
    reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]) ===
    true
  );
}

export function routePolicy(
  reflector: Reflector,
  context: ExecutionContext,
): RoutePolicy | undefined {
  return reflector.getAllAndOverride<RoutePolicy>(POLICY, [
    context.getHandler(),
    context.getClass(),
  ]);
}
