/**
 * The shapes of an analysis as API.md fixes them, shared by the engine (which computes a
 * result), the store and queue (which keep and move it) and the REST layer (which shows it).
 */
import type { ProblemDocument } from '@techsapo/core';

export const ANALYSIS_MODES = ['parallel', 'sequential', 'council'] as const;
export type AnalysisMode = (typeof ANALYSIS_MODES)[number];

export const ANALYSIS_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

export const TASK_TYPES = ['basic', 'premium', 'critical'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const PROVIDER_OUTCOMES = ['ok', 'failed', 'timeout', 'blocked'] as const;
export type ProviderOutcome = (typeof PROVIDER_OUTCOMES)[number];

export const CONSENSUS_LEVELS = ['strong', 'moderate', 'weak'] as const;
export type ConsensusLevel = (typeof CONSENSUS_LEVELS)[number];

/** What the engine needs to run one analysis (the content is plaintext only in memory). */
export interface AnalysisRequest {
  content: string;
  mode: AnalysisMode;
  /** Provider names chosen by the client; absent = the configured peers. */
  providers?: string[];
  taskType?: TaskType;
  language?: string;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface ProviderReport {
  name: string;
  model: string;
  status: ProviderOutcome;
  latencyMs: number;
  usage: Usage;
  /** Why a provider did not count (a short, safe text; never a key or a raw upstream body). */
  error?: string;
}

export interface SecurityFlag {
  rule: string;
  category: string;
  severity: string;
  action: string;
  /** Where the text came from, e.g. `request` or `provider:<name>`. */
  source: string;
}

export interface AnalysisResult {
  answer: string;
  confidence: number;
  consensus: { score: number; level: ConsensusLevel; method: string };
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

export const ANALYSIS_EVENT_TYPES = [
  'queued',
  'started',
  'provider_started',
  'provider_completed',
  'provider_failed',
  'review_completed',
  'aggregating',
  'completed',
  'failed',
] as const;
export type AnalysisEventType = (typeof ANALYSIS_EVENT_TYPES)[number];

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

/**
 * The one seam between the queue worker and the engine: run an analysis to a result, or
 * throw a DomainError (e.g. insufficient providers) that becomes the analysis' `error`.
 * The signal is aborted when the analysis is cancelled or the worker shuts down.
 */
export abstract class AnalysisEngine {
  abstract run(
    request: AnalysisRequest,
    progress: ProgressSink,
    signal: AbortSignal,
  ): Promise<AnalysisResult>;
}
