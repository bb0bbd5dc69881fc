import type { ExecutionContext, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Reflector } from '@nestjs/core';
import { readOnce } from './read-once';

/*
 * Every reading of metadata that Nest and @nestjs/throttler keep to themselves (no public API
 * exposes it), in this one file. nest-internals.spec.ts declares routes with the public
 * decorators and checks that these readings still find them: an upgrade that moves or renames
 * the internals fails there, not silently in the pipeline.
 */

/** @nestjs/throttler's key prefix of @SkipThrottle() (not exported from its index). */
const THROTTLER_SKIP = 'THROTTLER:SKIP';

export type Handler = ReturnType<ExecutionContext['getHandler']>;

/**
 * The DTO class of the handler's whole-body `@Body()` parameter (not `@Body('field')`), if it
 * has one; read once per handler.
 */
export const bodyTypeOf = readOnce(readBodyType);

function readBodyType(handler: Handler, controller: Type<unknown>): unknown {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<
    string,
    { index: number; data?: unknown }
  >;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, handler.name) ??
    []) as unknown[];
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) === RouteParamtypes.BODY && arg.data === undefined) {
      return types[arg.index];
    }
  }
  return undefined;
}

/** Whether @SkipThrottle() on the handler or its class skips the named throttler. */
export function isThrottleSkipped(
  reflector: Reflector,
  controller: Type<unknown>,
  handler: Handler,
  throttler: string,
): boolean {
  return (
    reflector.getAllAndOverride<boolean>(`${THROTTLER_SKIP}${throttler}`, [handler, controller]) ===
    true
  );
}
