export const AUDIT_ENTRY_TYPES = ['http', 'auth', 'security', 'admin', 'analysis', 'mcp'] as const;
export type AuditEntryType = (typeof AUDIT_ENTRY_TYPES)[number];
export type AuditDecision = 'allowed' | 'denied';

export interface AuditActor {
  id?: string;
  username?: string;
  roles?: string[];
  sessionId?: string;
  apiKeyId?: string;
}

export interface AuditRequest {
  /** The server's id of the request (the X-Request-Id it answered with). */
  id: string;
  /** The X-Request-Id the client sent, when it was safe to keep: the client's claim. */
  clientRequestId?: string;
  method: string;
  /** The path as called, without the query string, secret shapes redacted. */
  path: string;
  /** The matched route pattern (e.g. /api/v1/analyses/:id), when routing matched. */
  route?: string;
  /** Masked: 192.168.1.*** or the IPv6 /48. */
  ip: string;
  /** Masked to the client family. */
  userAgent: string;
}

export interface AuditOutcome {
  /** The HTTP status; 0 for events that are not a response (security events). */
  status: number;
  decision: AuditDecision;
  /** Why it was refused or failed: the problem code (or the violation type of a security event). */
  reason?: string;
}

/** What is recorded before the entry takes its place in the chain. */
export interface AuditDraft {
  id: string;
  timestamp: string;
  type: AuditEntryType;
  actor: AuditActor;
  request: AuditRequest;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
}

/** API.md `AuditEntry`: a draft sealed into the chain. */
export interface AuditEntry extends AuditDraft {
  /** Position in the one chain of this deployment, from 1, without gaps. */
  seq: number;
  prevHash: string;
  /** HMAC-SHA-256 over the entry's canonical JSON (prevHash and seq included, hash excluded). */
  hash: string;
}
