export type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** What a capability reports when it sees an attack or a policy violation (AL2). */
export interface SecurityEventInput {
  /** e.g. SUSPICIOUS_ACTIVITY, AUTHENTICATION_FAILURE, SELF_MODIFICATION_ATTEMPT, RATE_LIMIT_EXCEEDED */
  eventType: string;
  severity: Severity;
  /** e.g. SQL_INJECTION_ATTEMPT, PATH_TRAVERSAL, SELF_MODIFICATION, BRUTE_FORCE */
  violationType: string;
  blocked: boolean;
  /** Where it was seen: request, llm-answer, mcp-argument, mcp-result, mcp-description, auth, … */
  source: string;
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
    payload: string;
    [key: string]: unknown;
  };
}
