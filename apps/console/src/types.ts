/**
 * The shapes of the public API the console reads: the schemas of openapi.json, generated into
 * api/schema.d.ts by `npm run client`, under the names the pages use.
 */
import type { components } from './api/schema';
import type { AnalysisEventType } from './event-types';

type Schemas = components['schemas'];

export type ConsoleSession = Schemas['ConsoleSessionDto'];
export type Role = Schemas['UserDto']['roles'][number];
export type UserSession = Schemas['SessionDto'];
export type Block = Schemas['BlockDto'];
export type User = Schemas['UserDto'];
/** A key as listed; `key` only in the answer that created it. */
export type ApiKey = Schemas['ApiKeyDto'] & Partial<Pick<Schemas['CreatedApiKeyDto'], 'key'>>;
export type AuditEntry = Schemas['AuditEntryDto'];
export type AuditVerification = Schemas['AuditVerifyDto'];
export type Analysis = Schemas['AnalysisDto'];
export type AnalysisResult = Schemas['AnalysisResultDto'];
export type CouncilReport = Schemas['CouncilReportDto'];
export type McpServer = Schemas['McpServerDto'];
export type McpTool = Schemas['McpToolDto'];
export type Readiness = Schemas['ReadinessDto'];

/** A page of a listing. */
export interface Items<T> {
  items: T[];
  nextCursor?: string | null;
}

/** One event of an analysis's stream (`data:` of the server-sent events). */
export interface AnalysisEvent {
  type: AnalysisEventType;
  analysisId: string;
  seq: number;
  at: string;
  data: Record<string, unknown>;
}
