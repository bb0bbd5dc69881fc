import { maskIp, maskUserAgent, redactDeep, redactText, RequestState } from '@techsapo/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { SecurityEventInput, SecurityLogLine } from '../security-events/security-event';
import type { AuditDraft } from './audit-entry';
import { auditTypeOf } from './audit-type.decorator';
import { bodyDigest, BodyDigest } from './body-digest';

const MAX_PATH = 512;

/** The path as called: no query string (it may carry secrets), secret shapes redacted, bounded. */
export function auditPath(url: string): string {
  const path = url.split('?')[0].split('#')[0];
  return redactText(path).slice(0, MAX_PATH);
}

/**
 * The entry for one HTTP response, at its `auditPath`. Refusals are `denied` (every 4xx: the
 * caller was turned away); 2xx/3xx and server failures are `allowed` (admitted; a 5xx carries
 * its reason).
 */
export function httpDraft(
  request: FastifyRequest,
  reply: FastifyReply,
  path = auditPath(request.url),
): AuditDraft {
  const state = request.state;
  const facts = state?.details ?? {};
  const principal = state?.principal;
  const status = reply.statusCode;
  const body = bodyFacts(request);
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    type: auditTypeOf(request),
    actor: principal
      ? {
          id: principal.id,
          username: principal.username,
          roles: [...principal.roles],
          sessionId: principal.sessionId,
          apiKeyId: principal.apiKeyId,
        }
      : {},
    request: {
      id: state?.requestId ?? String(request.id),
      clientRequestId: state?.clientRequestId && redactText(state.clientRequestId),
      method: request.method,
      path,
      route: state?.route,
      ip: maskIp(request.ip),
      userAgent: maskUserAgent(request.headers['user-agent']),
    },
    outcome: {
      status,
      decision: status >= 400 && status < 500 ? 'denied' : 'allowed',
      reason: state?.reason,
    },
    details: {
      ...(redactDeep(facts) as Record<string, unknown>),
      ...(body ? { body } : {}),
      durationMs: state ? Number(process.hrtime.bigint() - state.startedAt) / 1e6 : undefined,
    },
  };
}

/** The body's size and digest; a request without a body has none (or only its declared size). */
function bodyFacts(request: FastifyRequest): BodyDigest | { bytes: number } | undefined {
  const length = Number(request.headers['content-length']);
  const declared = Number.isFinite(length) ? length : undefined;
  const body = request.body;
  if (body === undefined || body === null) return declared ? { bytes: declared } : undefined;
  return bodyDigest(body, declared);
}

/**
 * The entry written when the full one could not be built: what the response was and who
 * asked, from fields that cannot fail, and why the full entry is missing.
 */
export function minimalHttpDraft(
  request: FastifyRequest,
  reply: FastifyReply,
  failure: unknown,
): AuditDraft {
  const state = request.state as Partial<RequestState> | null | undefined;
  const principal = state?.principal;
  const status = reply.statusCode;
  let path = '-';
  try {
    path = auditPath(request.url);
  } catch {
    // the path stays unknown
  }
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    type: 'http',
    actor: principal ? { id: principal.id, username: principal.username } : {},
    request: {
      id: String(state?.requestId ?? request.id),
      method: String(request.method),
      path,
      route: typeof state?.route === 'string' ? state.route : undefined,
      ip: '***',
      userAgent: '***',
    },
    outcome: {
      status,
      decision: status >= 400 && status < 500 ? 'denied' : 'allowed',
      reason: typeof state?.reason === 'string' ? state.reason : undefined,
    },
    details: {
      minimal: true,
      failure: failure instanceof Error ? failure.name : typeof failure,
    },
  };
}

/** A security event (AL2) as a `type: security` entry; the line is already masked and sanitised. */
export function securityDraft(line: SecurityLogLine, input: SecurityEventInput): AuditDraft {
  return {
    id: randomUUID(),
    timestamp: line.timestamp,
    type: 'security',
    actor: {
      id: input.principalId,
      sessionId: line.session_id ?? undefined,
    },
    request: {
      id: line.request_id ?? '-',
      // Reporters inside a request name its method and route among the details.
      method: httpMethodOf(line.details.method),
      path: typeof line.details.route === 'string' ? auditPath(line.details.route) : '-',
      ip: line.ip_address,
      userAgent: line.user_agent,
    },
    outcome: {
      status: 0,
      decision: line.details.blocked ? 'denied' : 'allowed',
      reason: line.details.violation_type,
    },
    details: {
      event_type: line.event_type,
      severity: line.severity,
      ...line.details,
    },
  };
}

/** Reporters use `details.method` for other things too (jwt, login): only an HTTP verb counts. */
function httpMethodOf(value: unknown): string {
  return typeof value === 'string' && /^[A-Z]{3,7}$/.test(value) ? value : '-';
}
