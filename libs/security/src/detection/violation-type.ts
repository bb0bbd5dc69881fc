import type { DetectionSeverity, Finding } from '@techsapo/detector';

/** The security-event violation type of a finding (AL2 names), shared by every channel. */
export function violationTypeOf(finding: Pick<Finding, 'rule' | 'category'>): string {
  if (finding.rule.startsWith('web-injection.sql')) return 'SQL_INJECTION_ATTEMPT';
  if (
    finding.rule.startsWith('web-injection.path-traversal') ||
    finding.rule === 'web-injection.sensitive-file'
  ) {
    return 'PATH_TRAVERSAL';
  }
  switch (finding.category) {
    case 'web-injection':
      return 'XSS_ATTEMPT';
    case 'self-modification':
      return 'SELF_MODIFICATION';
    case 'code-execution':
      return 'CODE_EXECUTION_ATTEMPT';
    case 'template-injection':
      return 'TEMPLATE_INJECTION_ATTEMPT';
    case 'file-write':
      return 'FILE_WRITE_ATTEMPT';
    case 'prompt-injection':
      return 'PROMPT_INJECTION';
    case 'secret':
      return 'SECRET_EXPOSURE';
  }
}

const EVENT_SEVERITY: Record<DetectionSeverity, 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL'> = {
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/** The highest severity among findings, in the security event's vocabulary. */
export function eventSeverityOf(
  findings: readonly Pick<Finding, 'severity'>[],
): 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' {
  const order = ['low', 'medium', 'high', 'critical'];
  let worst = 0;
  for (const f of findings) worst = Math.max(worst, order.indexOf(f.severity));
  return EVENT_SEVERITY[order[worst] as DetectionSeverity];
}
