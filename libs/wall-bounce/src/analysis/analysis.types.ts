/**
 * The shapes of an analysis as API.md fixes them, shared by the engine (which computes a
 * result), the store and queue (which keep and move it) and the REST layer (which shows it).
 */
import type { ProblemDocument } from '@techsapo/core';
import type { Kind } from '@techsapo/detector';
import type { StructuredBy } from '../providers/provider.types';
import type { AnalysisEventType } from './analysis-event-types';

export const ANALYSIS_MODES = ['parallel', 'sequential', 'council'] as const;
export type AnalysisMode = (typeof ANALYSIS_MODES)[number];

export const ANALYSIS_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

export const TASK_TYPES = ['basic', 'premium', 'critical'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** `late`: the peer had not answered by the straggler deadline once a quorum had; left behind. */
export const PROVIDER_OUTCOMES = ['ok', 'failed', 'timeout', 'blocked', 'late'] as const;
export type ProviderOutcome = (typeof PROVIDER_OUTCOMES)[number];

export const CONSENSUS_LEVELS = ['strong', 'moderate', 'weak'] as const;
export type ConsensusLevel = (typeof CONSENSUS_LEVELS)[number];

/** What is asked of the peers; each task has its own closed set of verdicts. */
export const ANALYSIS_TASKS = ['review', 'question'] as const;
export type AnalysisTask = (typeof ANALYSIS_TASKS)[number];

/** What the engine needs to run one analysis (the content is plaintext only in memory). */
export interface AnalysisRequest {
  content: string;
  mode: AnalysisMode;
  /** Provider names chosen by the client; absent = the configured peers. */
  providers?: string[];
  /** The provider that writes the final answer (council: the chairman); absent = configured. */
  aggregator?: string;
  taskType?: TaskType;
  language?: string;
  /** A review of code or a change, or a question; absent = decided from the content. */
  task?: AnalysisTask;
  /** No further provider call is started once the analysis has cost this much (USD). */
  maxCostUsd?: number;
  /** Thresholds and gate action for this analysis (a profile's); absent = the configured ones. */
  gates?: AnalysisGates;
  /** The final answer is a JSON object of this shape (written by the aggregator, validated). */
  answerFormat?: AnswerFormat;
}

export const GATE_ACTIONS = ['flag', 'escalate'] as const;
export type GateAction = (typeof GATE_ACTIONS)[number];

/** Below either threshold the result is degraded (`flag`), or further peers are asked first (`escalate`). */
export interface AnalysisGates {
  minConfidence?: number;
  minConsensus?: number;
  action?: GateAction;
}

/** A JSON Schema the final answer must match (an object at its root, OpenAI's strict subset). */
export interface AnswerFormat {
  /** `^[a-zA-Z0-9_-]{1,64}$`. */
  name: string;
  schema: Record<string, unknown>;
}

export const CALL_ROLES = ['peer', 'refine', 'review', 'aggregator'] as const;
export type CallRole = (typeof CALL_ROLES)[number];

/** One provider call's usage, reported as the call ends (billed even when the call failed). */
export interface UsageEntry {
  provider: string;
  model: string;
  role: CallRole;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Whether the call gave a usable reply. */
  ok: boolean;
  /** True when the provider reported no usage and the figures are estimated. */
  estimated: boolean;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export const FINDING_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** One finding a peer reports in its answer (its claim about the content). */
export interface PeerFinding {
  title: string;
  severity: FindingSeverity;
  /** Where in the content, e.g. `src/db.ts:42`; null when the finding has no place. */
  location: string | null;
}

/** A peer's answer as it gave it (screened; secrets redacted). */
export interface PeerAnswerReport {
  text: string;
  /** From the task's closed set; `cannot-tell` for a peer that answered in prose. */
  verdict: string;
  findings: PeerFinding[];
  /** The peer's own confidence (its claim, 0..1), when it gave one. */
  confidence?: number;
  structured: StructuredBy;
}

export interface ProviderReport {
  name: string;
  model: string;
  status: ProviderOutcome;
  latencyMs: number;
  usage: Usage;
  /** Why a provider did not count (a short, safe text; never a key or a raw upstream body). */
  error?: string;
  /** What it was asked to do in this analysis (empty: never called, e.g. the cost cap). */
  roles: CallRole[];
  /** Its answer as a peer (or chain step). */
  answer?: PeerAnswerReport;
  /** Why its answer is left out of the consensus (e.g. a prompt injection in it); still shown. */
  excluded?: string;
}

/** One figure the engine measured, with the weight it has in the score it feeds. */
export interface MeasuredSignal {
  name: string;
  /** null when the signal could not be measured (e.g. no peer gave a verdict). */
  value: number | null;
  weight: number;
  detail?: string;
}

/** What the aggregator (or chairman) said about the peers: claims, never measurements. */
export interface AggregatorClaims {
  agreement?: number;
  confidence?: number;
  verdict?: string;
  dissent: string[];
}

export interface CouncilReview {
  reviewer: string;
  /** Provider names, best first (de-anonymised). */
  ranking: string[];
  critique?: string;
  parsedBy: 'json' | 'fallback' | 'none';
}

export interface CouncilReport {
  reviews: CouncilReview[];
  /** Every answer by mean rank over the reviews, best first. */
  aggregateRanking: { provider: string; meanRank: number }[];
  /** Agreement of the reviewers' rankings (Kendall's W, ties handled); null when not measurable. */
  rankingAgreement: { kendallW: number | null; reviewers: number; answers: number };
}

export interface SecurityFlag {
  rule: string;
  /**
   * What the finding is: `attempt` (on TechSapo itself, or an injection into a field it
   * interprets), `risk` (a risky pattern in the code under review, informational) or `secret`.
   */
  kind: Kind;
  category: string;
  severity: string;
  action: string;
  /** Where the text came from, e.g. `request` or `provider:<name>`. */
  source: string;
}

export interface ConsensusReport {
  score: number;
  level: ConsensusLevel;
  method: string;
  /** False for a sequential chain: each step saw the earlier answers. */
  independent: boolean;
  /** Every signal the score combines, measured from the peers' answers. */
  signals: MeasuredSignal[];
}

export interface AnalysisResult {
  answer: string;
  confidence: number;
  consensus: ConsensusReport;
  degraded: boolean;
  degradedReasons: string[];
  providers: ProviderReport[];
  dissent: string[];
  security: {
    flags: SecurityFlag[];
    allowedOperations: ['read', 'analyze', 'suggest'];
    deniedOperations: ['write', 'execute', 'modify'];
  };
  usage: Usage;
  /** The task the peers were given (the request's, or decided from the content). */
  task: AnalysisTask;
  /** The peers' majority verdict, measured from their answers (`cannot-tell` on a tie). */
  verdict: string;
  /** Who wrote the final answer; absent when the cost cap stopped the aggregation (a peer's answer stands in, named). */
  aggregator?: { provider: string; fallback: boolean; structured: StructuredBy };
  /** What the aggregator said of the peers; absent when it answered in prose. */
  aggregatorClaims?: AggregatorClaims;
  /** Every signal the confidence combines. */
  confidenceSignals: MeasuredSignal[];
  /** Council mode only. */
  council?: CouncilReport;
  /** A result served from cache: what the original analysis cost (this request cost nothing). */
  originalUsage?: Usage;
}

export interface Analysis {
  id: string;
  status: AnalysisStatus;
  mode: AnalysisMode;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  ownerId: string;
  result?: AnalysisResult;
  error?: ProblemDocument;
}

export { ANALYSIS_EVENT_TYPES, type AnalysisEventType } from './analysis-event-types';

/** One progress event; `seq` orders the events of one analysis from 1. */
export interface AnalysisEvent {
  type: AnalysisEventType;
  analysisId: string;
  seq: number;
  at: string;
  data: Record<string, unknown>;
}

/** The engine reports progress through this; the worker publishes it (Redis pub/sub). */
export type ProgressSink = (type: AnalysisEventType, data: Record<string, unknown>) => void;

/** What the worker hands the engine besides the request. */
export interface RunContext {
  progress: ProgressSink;
  /** Aborted when the analysis is cancelled or the worker shuts down. */
  signal: AbortSignal;
  /** Called as every provider call ends, billed usage included: recorded at once, not at the end. */
  onUsage?: (entry: UsageEntry) => void;
  /** What earlier attempts of this analysis cost (a worker that died): counts against the cap. */
  spentUsd?: number;
  /** The most this analysis may cost in all (its maxCostUsd, or less when a daily budget leaves less). */
  capUsd?: number;
  /** Which analysis this is and who asked: named in the security events of its answers. */
  trace?: RunTrace;
}

export interface RunTrace {
  analysisId: string;
  /** The request that created the analysis. */
  requestId?: string;
  ownerId?: string;
}

/**
 * The one seam between the queue worker and the engine: run an analysis to a result, or
 * throw a DomainError (e.g. insufficient providers) that becomes the analysis' `error`.
 */
export abstract class AnalysisEngine {
  abstract run(request: AnalysisRequest, context: RunContext): Promise<AnalysisResult>;
}
