import type { AnalysisRecord, AnalysisResult } from '@techsapo/wall-bounce';

/**
 * What TechSapo measured of the analysis behind a completion, in the `techsapo` field of a
 * `chat.completion` (and of the last `chat.completion.chunk`). `aggregator_claims` is what the
 * aggregator said of itself and the peers — claims, kept apart from the measured figures.
 */
export interface CompletionExtension {
  analysis_id: string;
  profile: string;
  cached: boolean;
  degraded: boolean;
  degraded_reasons: string[];
  consensus: { score: number; level: string; method: string; independent: boolean };
  confidence: number;
  verdict: string;
  dissent: string[];
  cost_usd: number;
  providers: { name: string; status: string; roles: string[] }[];
  aggregator_claims?: AnalysisResult['aggregatorClaims'];
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: null;
  choices: {
    index: 0;
    message: { role: 'assistant'; content: string; refusal: null };
    finish_reason: 'stop';
    logprobs: null;
  }[];
  usage: CompletionUsage;
  techsapo: CompletionExtension;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: null;
  choices: {
    index: 0;
    delta: { role?: 'assistant'; content?: string };
    finish_reason: 'stop' | null;
    logprobs: null;
  }[];
  usage?: CompletionUsage | null;
  techsapo?: CompletionExtension;
}

/** The headers every completion carries (streamed: the id only, the figures come last). */
export const ANALYSIS_ID_HEADER = 'x-techsapo-analysis-id';
export const CONSENSUS_HEADER = 'x-techsapo-consensus';
export const DEGRADED_HEADER = 'x-techsapo-degraded';

export const completionId = (analysisId: string): string => `chatcmpl-${analysisId}`;
export const createdOf = (record: Pick<AnalysisRecord, 'createdAt'>): number =>
  Math.floor(Date.parse(record.createdAt) / 1000);

/**
 * The visible note a degraded text answer ends with, so that a client that reads only the
 * content still sees it. A JSON answer (response_format) carries no note: its content must
 * parse; the `techsapo` field and the `x-techsapo-degraded` header say it there.
 */
export function degradedNote(result: AnalysisResult): string {
  const { consensus, confidence, degradedReasons } = result;
  return (
    `\n\n---\n[TechSapo: degraded result — ${degradedReasons.join('; ')}. ` +
    `Measured consensus ${consensus.score} (${consensus.level}), confidence ${confidence}.]`
  );
}

/** The content of the completion: the final answer, and the note when degraded (text only). */
export function contentOf(result: AnalysisResult, json: boolean): string {
  return result.degraded && !json ? result.answer + degradedNote(result) : result.answer;
}

export function extensionOf(record: AnalysisRecord, profile: string): CompletionExtension {
  const result = record.result as AnalysisResult;
  return {
    analysis_id: record.id,
    profile,
    cached: record.cached,
    degraded: result.degraded,
    degraded_reasons: result.degradedReasons,
    consensus: {
      score: result.consensus.score,
      level: result.consensus.level,
      method: result.consensus.method,
      independent: result.consensus.independent,
    },
    confidence: result.confidence,
    verdict: result.verdict,
    dissent: result.dissent,
    cost_usd: record.usage?.costUsd ?? 0,
    providers: result.providers.map((p) => ({ name: p.name, status: p.status, roles: p.roles })),
    ...(result.aggregatorClaims ? { aggregator_claims: result.aggregatorClaims } : {}),
  };
}

/** What the analysis cost in tokens over all its calls (nothing when answered from cache). */
export function usageOf(record: AnalysisRecord): CompletionUsage {
  const input = record.usage?.inputTokens ?? 0;
  const output = record.usage?.outputTokens ?? 0;
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}

/** A finished analysis as a `chat.completion`. */
export function toChatCompletion(
  record: AnalysisRecord,
  model: string,
  json: boolean,
): ChatCompletion {
  const result = record.result as AnalysisResult;
  return {
    id: completionId(record.id),
    object: 'chat.completion',
    created: createdOf(record),
    model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: contentOf(result, json), refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: usageOf(record),
    techsapo: extensionOf(record, model),
  };
}

/** One streamed chunk of the completion of `analysisId`. */
export function chunk(
  analysisId: string,
  created: number,
  model: string,
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: 'stop' | null = null,
): ChatCompletionChunk {
  return {
    id: completionId(analysisId),
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  };
}
