import type { Analysis } from '../api/types';

/** The Analysis exactly as the server returned it. */
export function toJson(analysis: Analysis): string {
  return `${JSON.stringify(analysis, null, 2)}\n`;
}
