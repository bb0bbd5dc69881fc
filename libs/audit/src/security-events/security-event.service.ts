import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { logSecurityEvent, maskIp, maskUserAgent, redactDeep, redactText } from '@techsapo/core';
import type { Counter } from 'prom-client';
import type { SecurityEventInput, SecurityLogLine } from './security-event';

export const SECURITY_VIOLATIONS = 'techsapo_security_violations_total';
/** techsapo_self_modification_attempts_total{source,type,blocked}: the attempt events, one each. */
export const SELF_MODIFICATION_ATTEMPTS = 'techsapo_self_modification_attempts_total';
const PAYLOAD_EXCERPT = 120;

export type SecurityEventListener = (line: SecurityLogLine, input: SecurityEventInput) => void;

/**
 * The one service every capability reports security events through: a SECURITY record of
 * the app's logger with the seed's fields, the violation counter, and its listeners (the audit trail).
 * An attempt found by the content detector (an event with `attemptType`) is counted in the
 * attempt counter here too, with the event's own source and blocked values: the metric, the
 * log line and the audit entry are one event, counted the same way.
 */
@Injectable()
export class SecurityEventService {
  private readonly logger = new Logger(SecurityEventService.name);
  private readonly listeners: SecurityEventListener[] = [];

  constructor(
    @InjectMetric(SECURITY_VIOLATIONS) private readonly violations: Counter<string>,
    @InjectMetric(SELF_MODIFICATION_ATTEMPTS) private readonly attempts: Counter<string>,
  ) {}

  onEvent(listener: SecurityEventListener): void {
    this.listeners.push(listener);
  }

  report(input: SecurityEventInput): SecurityLogLine {
    const line: SecurityLogLine = {
      timestamp: new Date().toISOString(),
      level: 'SECURITY',
      event_type: input.eventType,
      severity: input.severity,
      session_id: input.sessionId ?? null,
      user_agent: maskUserAgent(input.userAgent),
      ip_address: maskIp(input.ip),
      request_id: input.requestId ?? null,
      details: {
        ...(redactDeep(input.details ?? {}) as Record<string, unknown>),
        violation_type: input.violationType,
        blocked: input.blocked,
        source: input.source,
        ...(input.attemptType ? { attempt_type: input.attemptType } : {}),
        payload: sanitisePayload(input.payload),
      },
    };
    logSecurityEvent(line);
    // Prometheus label values are lower case (`sql_injection_attempt`, `high`); the SECURITY
    // line and the audit entry keep the documented upper-case vocabulary.
    this.violations.inc({
      type: input.violationType.toLowerCase(),
      severity: input.severity.toLowerCase(),
    });
    if (input.attemptType) {
      this.attempts.inc({
        source: input.source.toLowerCase(),
        type: input.attemptType.toLowerCase(),
        blocked: String(input.blocked),
      });
    }
    for (const listener of this.listeners) {
      try {
        listener(line, input);
      } catch (error) {
        this.logger.error(
          { err: error, requestId: input.requestId },
          'security event listener failed',
        );
      }
    }
    return line;
  }
}

/**
 * An attack payload is evidence, not content: secrets redacted, control characters and markup
 * neutralised, cut to a short excerpt.
 */
export function sanitisePayload(payload: string | undefined): string {
  if (!payload) return '***SANITIZED***';
  const excerpt = redactText(payload)
    .slice(0, PAYLOAD_EXCERPT)
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
  return payload.length > PAYLOAD_EXCERPT ? `${excerpt}…` : excerpt;
}
