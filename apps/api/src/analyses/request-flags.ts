import type { SecurityFlag } from '@techsapo/wall-bounce';
import type { FastifyRequest } from 'fastify';

/** The request guard's findings on the free-text content, as result flags. */
export function requestFlags(request: FastifyRequest): SecurityFlag[] {
  return (request.state.details.securityFlags ?? []).map((f) => ({
    rule: f.rule,
    kind: f.kind,
    category: f.category,
    severity: f.severity,
    action: f.action,
    source: 'request',
  }));
}
