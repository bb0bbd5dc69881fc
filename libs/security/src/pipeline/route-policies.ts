import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { type AuditEntryType, declaredAuditTypeOf } from '@techsapo/audit';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { POLICY, RoutePolicy } from '../decorators/secured.decorator';

export interface RoutePolicyLine {
  method: string;
  path: string;
  policy: string;
  /** What the route's audit entries are (@AuditType); undefined when it declares none. */
  auditType?: AuditEntryType;
}

/**
 * Every route of the application with the policy it enforces and its audit type, for review
 * and snapshot tests.
 */
@Injectable()
export class RoutePolicies {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  list(): RoutePolicyLine[] {
    const lines: RoutePolicyLine[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!type || !wrapper.instance) continue;
      const base = this.paths(Reflect.getMetadata(PATH_METADATA, type));
      const prototype = Object.getPrototypeOf(wrapper.instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[name] as object;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const policy = this.describe(handler, type);
        const auditType = declaredAuditTypeOf(handler);
        for (const b of base)
          for (const p of this.paths(Reflect.getMetadata(PATH_METADATA, handler)))
            lines.push({ method: RequestMethod[method], path: join(b, p), policy, auditType });
      }
    }
    return lines.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }

  private describe(handler: object, type: object): string {
    const read = <T>(key: string): T | undefined =>
      (Reflect.getMetadata(key, handler) as T | undefined) ??
      (Reflect.getMetadata(key, type) as T | undefined);
    if (read<boolean>(IS_PUBLIC)) return 'public';
    const policy = read<RoutePolicy>(POLICY);
    if (!policy) return 'NO POLICY (refused)';
    return policy.action && policy.subject ? `${policy.action} ${policy.subject}` : 'authenticated';
  }

  private paths(value: unknown): string[] {
    if (Array.isArray(value)) return value.map(String);
    return [value === undefined ? '/' : String(value)];
  }
}

function join(a: string, b: string): string {
  const path = `/${a}/${b}`.replace(/\/+/g, '/');
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}
