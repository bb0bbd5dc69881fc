export type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** What a capability reports when it sees an attack or a policy violation (AL2). */
export interface SecurityEventInput {
  /** e.g. SUSPICIOUS_ACTIVITY, AUTHENTICATION_FAILURE, SELF_MODIFICATION_ATTEMPT, RATE_LIMIT_EXCEEDED */
  eventType: string;
  severity: Severity;
  /** e.g. SQL_INJECTION_ATTEMPT, PATH_TRAVERSAL, SELF_MODIFICATION, BRUTE_FORCE */
  violationType: string;
  blocked: boolean;
  /**
   * Where it was seen: the detector's channel for attempts (request-field, request-text,
   * llm-answer, mcp-argument, mcp-result, mcp-description), else request, auth, runtime, …
   */
  source: string;
  /**
   * Set when the event is an attempt the content detector found: its category
   * (`self-modification`, `web-injection`, …). Such an event is also counted in
   * techsapo_self_modification_attempts_total{source,type,blocked}, by the same call.
   */
  attemptType?: string;
  /** The offending input; only a sanitised excerpt is ever logged or stored. */
  payload?: string;
  sessionId?: string;
  principalId?: string;
  requestId?: string;
  ip?: string;
  userAgent?: string;
  details?: Record<string, unknown>;
}

/** The seed's security log line (AL2), also the `details` of a `type: security` audit entry. */
export interface SecurityLogLine {
  timestamp: string;
  level: 'SECURITY';
  event_type: string;
  severity: Severity;
  session_id: string | null;
  user_agent: string;
  ip_address: string;
  request_id: string | null;
  details: {
    violation_type: string;
    blocked: boolean;
    source: string;
    /** The detector category of an attempt (SecurityEventInput.attemptType); absent otherwise. */
    attempt_type?: string;
    payload: string;
    [key: string]: unknown;
  };
}
