import type { ProblemDocument } from '@techsapo/core';
import type {
  Analysis,
  AnalysisMode,
  AnalysisRequest,
  AnalysisResult,
  AnalysisStatus,
  SecurityFlag,
} from '../analysis/analysis.types';
import type { OwnerKind } from '../usage/owner';
import { AnalysisUsage, emptyUsage } from '../usage/usage-summary';

/** What a client submitted, kept encrypted: the content and everything that shapes the answer. */
export interface StoredRequest extends AnalysisRequest {
  /** Whose daily budget the analysis spends; absent = a user's. */
  ownerKind?: OwnerKind;
  metadata?: { source?: string; ref?: string };
  /** Findings of the request guard on the free-text content (flagged, not blocked). */
  flags: SecurityFlag[];
  /** The request that created the analysis (the problem of a failure carries it). */
  requestId?: string;
  /** Where the finished result is remembered for identical requests of the same owner. */
  cacheKey?: string;
}

/** One analysis as the store returns it, decrypted. */
export interface AnalysisRecord {
  id: string;
  ownerId: string;
  status: AnalysisStatus;
  mode: AnalysisMode;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  /** Answered from an earlier identical request of the same owner. */
  cached: boolean;
  result?: AnalysisResult;
  error?: ProblemDocument;
  /** What it has cost so far over all its attempts (nothing for an answer from cache). */
  usage?: AnalysisUsage;
}

export const FINAL_STATUSES: readonly AnalysisStatus[] = ['completed', 'failed', 'cancelled'];

export function isFinal(status: AnalysisStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** An analysis as the API shows it: API.md's fields, whether it came from cache, its usage. */
export type AnalysisView = Analysis & { cached: boolean; usage: AnalysisUsage };

/** The API view of a record. */
export function toAnalysis(record: AnalysisRecord): AnalysisView {
  const analysis: AnalysisView = {
    id: record.id,
    status: record.status,
    mode: record.mode,
    createdAt: record.createdAt,
    ownerId: record.ownerId,
    cached: record.cached,
    usage: record.usage ?? emptyUsage(),
  };
  if (record.startedAt) analysis.startedAt = record.startedAt;
  if (record.completedAt) analysis.completedAt = record.completedAt;
  if (record.result) analysis.result = record.result;
  if (record.error) analysis.error = record.error;
  return analysis;
}
