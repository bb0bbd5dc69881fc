import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError, isSensitiveName } from '@techsapo/core';
import { ContentDetector, type FieldMeaning, type Finding } from '@techsapo/detector';
import type { FastifyRequest } from 'fastify';
import { BODY_SCANNED_BY_HANDLER } from '../decorators/body-scanned-by-handler.decorator';
import { fieldReadings, type FieldReading } from '../decorators/field-reading';
import { AttemptReporter, type AttemptOrigin } from '../detection/attempt-reporter';
import { bodyTypeOf } from './nest-internals';
import { readOnce } from './read-once';

/** Request headers the application reads (and logs or audits), scanned as structured fields. */
export const SCANNED_HEADERS = ['x-request-id', 'user-agent', 'referer', 'origin'] as const;
/** Bounds on what one request can make the guard do (the body itself is limited to 1 MiB). */
const MAX_DEPTH = 32;
const MAX_FIELDS = 10_000;
/** Findings kept in request.state.details for the audit entry. */
const MAX_RECORDED = 50;

export type FieldLocation = 'path' | 'query' | 'header' | 'body';

interface ScannedField {
  location: FieldLocation;
  field: string;
  value: string;
  /** `request-text` for free text, `request-field` for every structured value. */
  channel: 'request-field' | 'request-text';
  /** What a structured field holds, when its DTO declares it (@FieldMeaning). */
  meaning?: FieldMeaning;
}

/** A finding as the audit trail keeps it: where, which rule, never the value itself. */
export interface RequestFinding extends Finding {
  location: FieldLocation;
  field: string;
}

/** @BodyScannedByHandler() of each handler, read once: every request asks. */
const isBodyScannedByHandler = readOnce(
  (handler: object) => Reflect.getMetadata(BODY_SCANNED_BY_HANDLER, handler) === true,
);

/**
 * RL3 / IV3 / IV4 / SM4 on the request channel. Structured fields — path and query parameters,
 * the headers we read, every JSON body field not marked @FreeText() — are scanned as
 * `request-field` (with the meaning a DTO declares with @FieldMeaning, e.g. a repository
 * path): a blocking finding (web injection, code execution, template injection,
 * self-modification) refuses the request with 403 `security-pattern-blocked`. A route marked
 * @BodyScannedByHandler() has its body judged by its handler instead. Free-text
 * fields are scanned as `request-text`: their findings are recorded as flags for the handler
 * and the audit trail. Every scanned value's attempts, blocked or flagged, are reported as
 * security events (and so counted) by the AttemptReporter.
 */
@Injectable()
export class RequestSecurityGuard implements CanActivate {
  constructor(
    private readonly detector: ContentDetector,
    private readonly attempts: AttemptReporter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const blocked: RequestFinding[] = [];
    const flags: RequestFinding[] = [];
    let offending: ScannedField | undefined;
    const bodyScanned = isBodyScannedByHandler(context.getHandler());
    for (const field of collectFields(
      request,
      bodyTypeOf(context.getHandler(), context.getClass()),
      !bodyScanned,
    )) {
      const result = this.detector.scan(
        field.value,
        field.channel,
        field.meaning ? { field: field.meaning } : undefined,
      );
      if (result.findings.length === 0) continue;
      this.attempts.report(result.findings, originOf(request, field));
      for (const finding of result.findings) {
        const recorded = { ...finding, location: field.location, field: field.field };
        if (finding.action === 'block') {
          blocked.push(recorded);
          offending ??= field;
        } else {
          flags.push(recorded);
        }
      }
    }
    const details = request.state.details;
    if (flags.length > 0) details.securityFlags = flags.slice(0, MAX_RECORDED);
    if (!offending) return true;
    details.securityFindings = blocked.slice(0, MAX_RECORDED);
    throw new DomainError(
      'security-pattern-blocked',
      403,
      'Request blocked',
      `The ${offending.location} field "${offending.field}" contains a pattern that is not allowed.`,
      { extensions: { fields: blockedFields(blocked) } },
    );
  }
}

/** What a request's security events say of it: who sent it, where, which field. */
function originOf(request: FastifyRequest, field: ScannedField): AttemptOrigin {
  const principal = request.state.principal;
  return {
    channel: field.channel,
    eventType: 'SUSPICIOUS_ACTIVITY',
    payload: field.value,
    requestId: request.state.requestId,
    principalId: principal?.id,
    sessionId: principal?.sessionId,
    ip: request.ip,
    userAgent: headerValue(request.headers['user-agent']),
    details: {
      method: request.method,
      route: request.routeOptions?.url,
      location: field.location,
      field: field.field,
    },
  };
}

/** Which fields were refused and why (categories only: the rules stay in the audit trail). */
function blockedFields(
  findings: RequestFinding[],
): { location: FieldLocation; field: string; categories: string[] }[] {
  const byField = new Map<
    string,
    { location: FieldLocation; field: string; categories: string[] }
  >();
  for (const f of findings) {
    const key = `${f.location}\u0000${f.field}`;
    const entry = byField.get(key) ?? { location: f.location, field: f.field, categories: [] };
    if (!entry.categories.includes(f.category)) entry.categories.push(f.category);
    byField.set(key, entry);
  }
  return [...byField.values()].slice(0, MAX_RECORDED);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function collectFields(
  request: FastifyRequest,
  bodyType: unknown,
  withBody: boolean,
): ScannedField[] {
  const fields: ScannedField[] = [];
  const add = (location: FieldLocation, field: string, value: string, reading?: FieldReading) => {
    if (fields.length < MAX_FIELDS && value.length > 0) {
      fields.push(
        reading === 'free-text'
          ? { location, field, value, channel: 'request-text' }
          : { location, field, value, channel: 'request-field', meaning: reading },
      );
    }
  };
  walk(request.params, '', undefined, undefined, 0, (field, value) => add('path', field, value));
  walk(request.query, '', undefined, undefined, 0, (field, value) => add('query', field, value));
  for (const name of SCANNED_HEADERS) {
    const value = headerValue(request.headers[name]);
    if (value) add('header', name, value);
  }
  if (withBody)
    walk(request.body, '', bodyType, undefined, 0, (field, value, reading) =>
      add('body', field, value, reading),
    );
  return fields;
}

const PLAIN_TYPES: unknown[] = [String, Number, Boolean, Array, Object, Date];

/**
 * Visits every string in a JSON value (object keys as strict structured fields too; the
 * values of secret-named properties are skipped: they are credentials, not content). A
 * property's declared reading (@FreeText(), @FieldMeaning()) holds for everything beneath it,
 * and nothing beneath free text reads otherwise; nested DTO classes are found through their
 * design:type metadata.
 */
function walk(
  value: unknown,
  path: string,
  type: unknown,
  reading: FieldReading | undefined,
  depth: number,
  visit: (field: string, value: string, reading: FieldReading | undefined) => void,
): void {
  if (typeof value === 'string') {
    visit(path || '(value)', value, reading);
    return;
  }
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) =>
      walk(item, `${path}[${index}]`, type, reading, depth + 1, visit),
    );
    return;
  }
  const declared = fieldReadings(type);
  const prototype = typeof type === 'function' ? (type.prototype as object) : undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const field = path ? `${path}.${key}` : key;
    visit(field, key, undefined);
    // Passwords and tokens are only hashed or compared, never stored, shown or run.
    if (isSensitiveName(key)) continue;
    const childType: unknown = prototype
      ? Reflect.getMetadata('design:type', prototype, key)
      : undefined;
    walk(
      child,
      field,
      PLAIN_TYPES.includes(childType) ? undefined : childType,
      reading === 'free-text' ? reading : (declared.get(key) ?? reading),
      depth + 1,
      visit,
    );
  }
}
