/**
 * The wire shapes the CLI reads and sends, from the OpenAPI document (schema.d.ts, written
 * by `npm run client` from openapi.json). Where the document does not describe the analyses
 * yet, analyses.paths.ts (the same shapes after API.md) stands in; once it does, the
 * generated definitions are taken and analyses.paths.ts can go.
 */
import type {
  AnalysesPaths,
  Analysis as DeclaredAnalysis,
  CreateAnalysisBody as DeclaredCreateBody,
} from './analyses.paths';
import type { components, paths as GeneratedPaths } from './schema';

type Schemas = components['schemas'];
type Generated<Name extends string, Fallback> =
  Schemas extends Record<Name, infer T> ? T : Fallback;

export type Paths =
  GeneratedPaths extends Record<'/api/v1/analyses', unknown>
    ? GeneratedPaths
    : GeneratedPaths & AnalysesPaths;
export type Analysis = Generated<'AnalysisDto', DeclaredAnalysis>;
export type CreateAnalysisBody = Generated<'CreateAnalysisDto', DeclaredCreateBody>;
export type AnalysisResult = NonNullable<Analysis['result']>;
export type SecurityFlag = AnalysisResult['security']['flags'][number];
export type ProviderReport = AnalysisResult['providers'][number];
/** RFC 9457 problem details, as every error response carries them. */
export type Problem = Schemas['ProblemDetails'];

/** One `data:` of the events stream (an AnalysisEvent; the document types it as text). */
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
