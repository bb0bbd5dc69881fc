import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { POLICY, RoutePolicy } from '../decorators/secured.decorator';

type Handler = ReturnType<ExecutionContext['getHandler']>;
type Controller = ReturnType<ExecutionContext['getClass']>;

/** What a route declares for the pipeline's guards. */
interface RouteMetadata {
  isPublic: boolean;
  policy?: RoutePolicy;
}

/**
 * Read once per handler and controller (every request's guards ask; decorators do not change
 * after start). By both: a handler inherited by two controllers may differ by their class's
 * decorators.
 */
const routes = new WeakMap<Handler, WeakMap<Controller, RouteMetadata>>();

function metadataOf(reflector: Reflector, context: ExecutionContext): RouteMetadata {
  const handler = context.getHandler();
  const controller = context.getClass();
  let byController = routes.get(handler);
  if (!byController) {
    byController = new WeakMap();
    routes.set(handler, byController);
  }
  let known = byController.get(controller);
  if (!known) {
    const targets = [handler, controller];
    known = {
      isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
      policy: reflector.getAllAndOverride<RoutePolicy>(POLICY, targets),
    };
    byController.set(controller, known);
  }
  return known;
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
