/**
 * The analyses operations of API.md in the shape openapi-typescript generates, for as long
 * as the OpenAPI document (and so schema.d.ts) does not carry them yet.
 */
interface Usage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

export interface Analysis {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  mode: 'parallel' | 'sequential' | 'council';
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  ownerId: string;
  /** Answered from an identical earlier request of the same owner. */
  cached: boolean;
  result?: {
    answer: string;
    confidence: number;
    consensus: { score: number; level: 'strong' | 'moderate' | 'weak'; method: string };
    degraded: boolean;
    degradedReasons: string[];
    providers: {
      name: string;
      model: string;
      status: 'ok' | 'failed' | 'timeout' | 'blocked';
      latencyMs: number;
      usage: Usage;
      error?: string;
    }[];
    dissent: string[];
    security: {
      flags: { rule: string; category: string; severity: string; action: string; source: string }[];
      allowedOperations: string[];
      deniedOperations: string[];
    };
    usage: Usage;
  };
  error?: ProblemBody;
}

export interface CreateAnalysisBody {
  content: string;
  mode?: Analysis['mode'];
  providers?: string[];
  taskType?: 'basic' | 'premium' | 'critical';
  language?: string;
  cache?: boolean;
  metadata?: { source?: string; ref?: string };
}

type NoParameters = { query?: never; header?: never; path?: never; cookie?: never };
type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type Problem = {
  headers: { [name: string]: unknown };
  content: { 'application/problem+json': ProblemBody };
};
type Errors = { 400: Problem; 401: Problem; 403: Problem; 404: Problem; 429: Problem };

export interface AnalysesPaths {
  '/api/v1/analyses': {
    parameters: NoParameters;
    post: {
      parameters: { query?: { wait?: number }; header?: never; path?: never; cookie?: never };
      requestBody: { content: { 'application/json': CreateAnalysisBody } };
      responses: { 200: Json<Analysis>; 202: Json<Analysis> } & Errors;
    };
  };
  '/api/v1/analyses/{id}': {
    parameters: NoParameters;
    get: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<Analysis> } & Errors;
    };
  };
  '/api/v1/analyses/{id}/events': {
    parameters: NoParameters;
    get: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { 'text/event-stream': string } };
      } & Errors;
    };
  };
}
