/**
 * The wire shapes the CLI reads and sends, from the OpenAPI document (schema.d.ts, written
 * by `npm run client` — and by `npm run openapi` — from openapi.json).
 */
import type { components, paths } from './schema';

type Schemas = components['schemas'];
export type Paths = paths;
export type Analysis = Schemas['AnalysisDto'];
export type CreateAnalysisBody = Schemas['CreateAnalysisDto'];
export type AnalysisResult = Schemas['AnalysisResultDto'];
export type SecurityFlag = Schemas['SecurityFlagDto'];
export type ProviderReport = Schemas['ProviderReportDto'];
/** RFC 9457 problem details, as every error response carries them. */
export type Problem = Schemas['ProblemDetails'];

/** One `data:` of the events stream (an AnalysisEvent; the document types the stream as text). */
export interface AnalysisEventPayload {
  type?: string;
  analysisId?: string;
  seq?: number;
  at?: string;
  data?: Record<string, unknown>;
}

export const TERMINAL_STATUSES: readonly Analysis['status'][] = [
  'completed',
  'failed',
  'cancelled',
];

export function isTerminal(analysis: Pick<Analysis, 'status'>): boolean {
  return TERMINAL_STATUSES.includes(analysis.status);
}
