/**
 * The wire shapes the CLI reads and sends. They come from the generated OpenAPI types
 * (schema.d.ts, `npm run client`); what the document does not describe yet is declared in
 * analyses.paths.ts after API.md, so replacing it by the generated definition is one line.
 */
import type {
  AnalysesPaths,
  Analysis,
  AnalysisEventPayload,
  CreateAnalysisBody,
} from './analyses.paths';
import type { components, paths as GeneratedPaths } from './schema';

export type Paths = GeneratedPaths & AnalysesPaths;
export type { Analysis, AnalysisEventPayload, CreateAnalysisBody };
export type AnalysisResult = NonNullable<Analysis['result']>;
export type SecurityFlag = AnalysisResult['security']['flags'][number];
export type ProviderReport = AnalysisResult['providers'][number];

export const TERMINAL_STATUSES: readonly Analysis['status'][] = [
  'completed',
  'failed',
  'cancelled',
];

export function isTerminal(analysis: Pick<Analysis, 'status'>): boolean {
  return TERMINAL_STATUSES.includes(analysis.status);
}

/** RFC 9457 problem details, as every error response carries them. */
export type Problem = components['schemas']['ProblemDetails'];
