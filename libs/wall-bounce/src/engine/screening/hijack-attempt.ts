import type { Finding } from '@techsapo/detector';

const HIJACK_CATEGORIES: ReadonlySet<string> = new Set(['prompt-injection', 'self-modification']);
const HIGH: ReadonlySet<string> = new Set(['high', 'critical']);

/**
 * Whether a detector finding in a model's output is an attempt to take over the analysis
 * (an attempt of high severity: a prompt injection or self-modification; code under review
 * that a model quotes back is not one): the peer that wrote it is left
 * out of the consensus, and the result is degraded. The one place findings are judged so.
 */
export function isHijackAttempt(finding: Pick<Finding, 'kind' | 'category' | 'severity'>): boolean {
  return (
    finding.kind === 'attempt' &&
    HIJACK_CATEGORIES.has(finding.category) &&
    HIGH.has(finding.severity)
  );
}
