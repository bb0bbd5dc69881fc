import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { POLICY, RoutePolicy } from '../decorators/secured.decorator';
import type { Handler } from './nest-internals';
import { readOnce } from './read-once';

type Controller = ReturnType<ExecutionContext['getClass']>;

/** What a route declares for the pipeline's guards. */
interface RouteMetadata {
  isPublic: boolean;
  policy?: RoutePolicy;
}

/**
 * Read once per handler and controller. By both: a handler inherited by two controllers may
 * differ by their class's decorators.
 */
const routes = readOnce((_handler: Handler) =>
  readOnce((controller: Controller, handler: Handler, reflector: Reflector): RouteMetadata => ({
    isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true,
    policy: reflector.getAllAndOverride<RoutePolicy>(POLICY, [handler, controller]),
  })),
);

function metadataOf(reflector: Reflector, context: ExecutionContext): RouteMetadata {
  const handler = context.getHandler();
  return routes(handler)(context.getClass(), handler, reflector);
}

export function isPublicRoute(reflector: Reflector, context: ExecutionContext): boolean {
  return metadataOf(reflector, context).isPublic;
}

export function routePolicy(
  reflector: Reflector,
  context: ExecutionContext,
): RoutePolicy | undefined {
  return metadataOf(reflector, context).policy;
}
