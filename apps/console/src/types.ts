/** The shapes of the public API the console reads (see openapi.json for the full contract). */
export type Role = 'admin' | 'analyst' | 'ci' | 'viewer';

export interface ConsoleSession {
  id: string;
  username: string;
  roles: Role[];
  sessionId: string;
  csrfToken: string;
  expiresIn: number;
}

export interface Items<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface UserSession {
  id: string;
  userId: string;
  username: string;
  roles: Role[];
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string;
  userAgent: string;
}

export interface Block {
  id: string;
  kind: 'ip' | 'user' | 'session';
  value: string;
  reason: string;
  createdAt: string;
  expiresAt: string;
}

export interface User {
  id: string;
  username: string;
  roles: Role[];
  disabled?: boolean;
  createdAt: string;
  lastLoginAt?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  expiresAt?: string | null;
  revokedAt?: string | null;
  lastUsedAt?: string | null;
  key?: string;
}

export interface AuditEntry {
  id: string;
  seq?: number;
  timestamp: string;
  type: string;
  actor: { id?: string; username?: string; roles?: string[] };
  request: { id: string; method: string; path: string; ip?: string };
  outcome: { decision: string; status: number; reason?: string };
  details?: Record<string, unknown>;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBrokenSeq?: number;
}

export interface ProviderReport {
  name: string;
  model: string;
  status: string;
  latencyMs?: number;
  usage?: Usage;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface MeasuredSignal {
  name: string;
  /** null when it could not be measured. */
  value: number | null;
  weight: number;
  detail?: string;
}

export interface CouncilReport {
  reviews: { reviewer: string; ranking: string[]; critique?: string; parsedBy: string }[];
  aggregateRanking: { provider: string; meanRank: number }[];
  rankingAgreement: { kendallW: number | null; reviewers: number; answers: number };
}

export interface AnalysisResult {
  answer: string;
  confidence: number;
  consensus: { score: number; level: string; method: string };
  degraded: boolean;
  degradedReasons: string[];
  providers: ProviderReport[];
  dissent: string[];
  usage: Usage;
  verdict?: string;
  confidenceSignals?: MeasuredSignal[];
  council?: CouncilReport;
}

export interface Analysis {
  id: string;
  status: string;
  mode: string;
  createdAt: string;
  completedAt?: string;
  ownerId: string;
  result?: AnalysisResult;
  error?: { title?: string; detail?: string };
}

export interface AnalysisEvent {
  type: string;
  analysisId: string;
  seq: number;
  at: string;
  data: Record<string, unknown>;
}

export interface McpServer {
  name: string;
  transport: string;
  status: string;
  toolCount: number;
  allowedToolCount: number;
}

export interface McpTool {
  name: string;
  description?: string;
  operation?: string;
  hash: string;
  deniedReason?: string;
  inputSchema?: unknown;
  annotations?: unknown;
  /** Admin, for a changed definition: as pinned, and as declared now. */
  pinnedDefinition?: Record<string, unknown>;
  definition?: Record<string, unknown>;
}

export interface Readiness {
  status: string;
  checks: Record<string, { status: string; [key: string]: unknown }>;
}
