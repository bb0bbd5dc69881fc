import { Inject, Injectable } from '@nestjs/common';
import { SecurityEventService } from '@techsapo/audit';
import type { Category, Channel, Finding } from '@techsapo/detector';
import { eventSeverityOf, violationTypeOf } from './violation-type';

/** Where a scanned text came from: what its security events say besides the findings. */
export interface AttemptOrigin {
  /** The channel the text was scanned on: the event's (and the counter's) `source`. */
  channel: Channel;
  /** The situation, e.g. SUSPICIOUS_ACTIVITY (a request), SUSPICIOUS_LLM_ANSWER, MCP_TOOL_POISONING. */
  eventType: string;
  /** The scanned text (the findings' offsets point into it); only a sanitised excerpt is kept. */
  payload: string;
  requestId?: string;
  principalId?: string;
  sessionId?: string;
  ip?: string;
  userAgent?: string;
  /** Enough to find it: route and field, analysis and provider, server and tool, … */
  details?: Record<string, unknown>;
}

/** Rule ids kept per event (a text may hit one rule many times). */
const MAX_RULES = 20;
/** Context kept before the finding in the payload excerpt. */
const EXCERPT_LEAD = 24;

/**
 * Reports the attempts the content detector found in one scanned text (or one reply of a
 * model, read as several texts): one security event per category, blocked when any finding
 * of that category blocked, rated by its worst finding and named after it. Risks and secrets
 * are never attempts. The event service counts each event in the attempt counter, so the
 * metric, the SECURITY line and the audit entry count the same events the same way, and a text
 * holding SQL injection and a self-modification is two events, each rated on its own.
 */
@Injectable()
export class AttemptReporter {
  // An explicit token: the engine also runs where no decorator metadata is emitted (tsx).
  constructor(@Inject(SecurityEventService) private readonly events: SecurityEventService) {}

  /** Returns how many events were raised (0 when the findings hold no attempt). */
  report(findings: readonly Finding[], origin: AttemptOrigin): number {
    const byCategory = new Map<Category, Finding[]>();
    for (const finding of findings) {
      if (finding.kind !== 'attempt') continue;
      const group = byCategory.get(finding.category);
      if (group) group.push(finding);
      else byCategory.set(finding.category, [finding]);
    }
    for (const [category, group] of byCategory) {
      const severity = eventSeverityOf(group);
      const worst = group.find((f) => f.severity === severity.toLowerCase()) ?? group[0];
      this.events.report({
        eventType: origin.eventType,
        severity,
        violationType: violationTypeOf(worst),
        attemptType: category,
        blocked: group.some((f) => f.action === 'block'),
        source: origin.channel,
        // The event keeps a short excerpt: start it just before what was found.
        payload: origin.payload.slice(Math.max(0, worst.start - EXCERPT_LEAD)),
        requestId: origin.requestId,
        principalId: origin.principalId,
        sessionId: origin.sessionId,
        ip: origin.ip,
        userAgent: origin.userAgent,
        details: {
          ...origin.details,
          rules: [...new Set(group.map((f) => f.rule))].slice(0, MAX_RULES),
        },
      });
    }
    return byCategory.size;
  }
}
