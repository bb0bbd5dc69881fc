import { IsInt, Max, Min } from 'class-validator';
import { defineConfig } from '@techsapo/core';

/** DP4: processed data (content, results, events) is kept at most 30 days. */
const MAX_RETENTION_SECONDS = 30 * 24 * 3600;

class AnalysesEnv {
  /** Analyses one worker process runs at once. */
  @IsInt() @Min(1) @Max(1000) WALL_BOUNCE_CONCURRENCY: number = 50;
  /** How long an analysis (content, result, events) is kept, in seconds (at most 30 days). */
  @IsInt() @Min(60) @Max(MAX_RETENTION_SECONDS) ANALYSIS_RETENTION_SECONDS: number =
    MAX_RETENTION_SECONDS;
  /** How long an identical request by the same owner is answered from the earlier result; 0 = never. */
  @IsInt() @Min(0) @Max(MAX_RETENTION_SECONDS) ANALYSIS_CACHE_TTL_SECONDS: number = 3600;
  /** Heartbeat interval of the SSE event stream. */
  @IsInt() @Min(100) @Max(60000) ANALYSIS_HEARTBEAT_MS: number = 15000;
  /**
   * A worker holds a job's lock for this long and renews it at half; a job whose lock
   * lapsed (its worker died) is taken over by another worker at the next stalled check.
   */
  @IsInt() @Min(500) @Max(600000) WALL_BOUNCE_LOCK_DURATION_MS: number = 30000;
  /** How often a worker looks for stalled jobs (those whose worker died). */
  @IsInt() @Min(500) @Max(600000) WALL_BOUNCE_STALLED_INTERVAL_MS: number = 30000;
  /** First retry delay after a job failed unexpectedly (doubled each attempt). */
  @IsInt() @Min(0) @Max(600000) WALL_BOUNCE_BACKOFF_MS: number = 5000;
}

export interface AnalysesConfig {
  concurrency: number;
  retentionSeconds: number;
  cacheTtlSeconds: number;
  heartbeatMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  backoffMs: number;
}

export const analysesConfig = defineConfig('analyses', AnalysesEnv, (e): AnalysesConfig => ({
  concurrency: e.WALL_BOUNCE_CONCURRENCY,
  retentionSeconds: e.ANALYSIS_RETENTION_SECONDS,
  cacheTtlSeconds: e.ANALYSIS_CACHE_TTL_SECONDS,
  heartbeatMs: e.ANALYSIS_HEARTBEAT_MS,
  lockDurationMs: e.WALL_BOUNCE_LOCK_DURATION_MS,
  stalledIntervalMs: e.WALL_BOUNCE_STALLED_INTERVAL_MS,
  backoffMs: e.WALL_BOUNCE_BACKOFF_MS,
}));
