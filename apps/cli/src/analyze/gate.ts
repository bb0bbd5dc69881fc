import type { Analysis } from '../api/types';

export interface GateOptions {
  minConsensus?: number;
  failOnDegraded?: boolean;
}

/**
 * Why the analysis fails the CI gate (one line), or undefined when it passes. An analysis
 * that failed or was cancelled always fails; the thresholds apply to a completed result.
 */
export function evaluateGate(analysis: Analysis, options: GateOptions): string | undefined {
  if (analysis.status === 'failed' || analysis.status === 'cancelled') {
    const e = analysis.error;
    const why = e ? `: ${e.title}${e.detail ? ` (${e.detail})` : ''}` : '';
    return `gate failed: analysis ${analysis.id} ${analysis.status}${why}`.replace(/\s+/g, ' ');
  }
  const result = analysis.result;
  if (analysis.status !== 'completed' || !result) return undefined;
  const reasons: string[] = [];
  if (options.minConsensus !== undefined && result.consensus.score < options.minConsensus) {
    reasons.push(
      `consensus ${result.consensus.score.toFixed(2)} is below --min-consensus ${options.minConsensus}`,
    );
  }
  if (options.failOnDegraded && result.degraded) {
    const why = result.degradedReasons.length > 0 ? ` (${result.degradedReasons.join('; ')})` : '';
    reasons.push(`the result is degraded${why}`);
  }
  return reasons.length > 0 ? `gate failed: ${reasons.join('; ')}`.replace(/\s+/g, ' ') : undefined;
}
