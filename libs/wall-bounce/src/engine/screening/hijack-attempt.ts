import type { Finding } from '@techsapo/security';

const HIJACK_CATEGORIES: ReadonlySet<string> = new Set(['prompt-injection', 'self-modification']);
const HIGH: ReadonlySet<string> = new Set(['high', 'critical']);

/**
 * Whether a detector finding in a model's output is an attempt to take over the analysis
 * (a prompt injection or self-modification of high severity): the peer that wrote it is left
 * out of the consensus, and the result is degraded. The one place findings are judged so.
 */
export function isHijackAttempt(finding: Pick<Finding, 'category' | 'severity'>): boolean {
  return HIJACK_CATEGORIES.has(finding.category) && HIGH.has(finding.severity);
}
