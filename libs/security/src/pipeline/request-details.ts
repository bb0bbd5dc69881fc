import type { RequestFinding } from './request-security.guard';

declare module '@techsapo/core' {
  interface RequestDetails {
    /** The request guard's findings on free-text fields: flagged, not refused. */
    securityFlags?: RequestFinding[];
    /** The findings that refused the request (403 security-pattern-blocked). */
    securityFindings?: RequestFinding[];
  }
}
