import { METHOD_METADATA } from '@nestjs/common/constants';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyRequest } from 'fastify';
import type { AuditEntryType } from './audit-entry';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route's audit entries are (set by @AuditType). */
    auditType?: AuditEntryType;
  }
}

/** The type of an entry whose request matched no route (the router's 404s). */
export const UNROUTED_AUDIT_TYPE: AuditEntryType = 'http';

/**
 * What the audit entries of a route are (`type` of the entry). On a controller it applies to
 * every route of it that does not declare its own. Every route declares one: the audit library
 * knows no paths of the application.
 *
 * The type travels in the Fastify route's config, so it is known from routing on, in every
 * hook — also when the body parser or a guard refuses the request before the handler.
 */
export function AuditType(type: AuditEntryType): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      declare(descriptor.value as object, type, true);
      return;
    }
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (typeof handler === 'function' && Reflect.hasMetadata(METHOD_METADATA, handler))
        declare(handler, type, false);
    }
  };
}

/** The audit type the route declared, if it declared one (for listings and tests). */
export function declaredAuditTypeOf(handler: object): AuditEntryType | undefined {
  return routeConfigOf(handler)?.auditType;
}

/** The entry type of a request: its route's declaration; a fixed type when no route matched. */
export function auditTypeOf(request: FastifyRequest): AuditEntryType {
  return request.routeOptions?.config?.auditType ?? UNROUTED_AUDIT_TYPE;
}

function declare(handler: object, type: AuditEntryType, own: boolean): void {
  const config = routeConfigOf(handler) ?? {};
  if (!own && config.auditType) return;
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, auditType: type }, handler);
}

function routeConfigOf(handler: object): { auditType?: AuditEntryType } | undefined {
  return Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as
    { auditType?: AuditEntryType } | undefined;
}
