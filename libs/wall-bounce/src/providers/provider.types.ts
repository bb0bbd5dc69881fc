export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * A reply shape asked of the model: a JSON Schema in the subset every provider's structured
 * output accepts (OpenAI strict mode: every property listed in `required`,
 * `additionalProperties: false`, optional values as `type: [..., 'null']`).
 */
export interface OutputSchema {
  /** `^[a-zA-Z0-9_-]{1,64}$`: the json_schema name (OpenAI, Gemini) or tool name (Anthropic). */
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

/** Streams one top-level string field of the reply as the model writes it. */
export interface StreamRequest {
  /** The top-level string property of `output` whose value is streamed (e.g. `answer`). */
  field: string;
  /** Successive pieces of that field's decoded value, in order. */
  onDelta(text: string): void;
}

/** One call to a model: a system prompt and the conversation so far. */
export interface ChatRequest {
  system: string;
  messages: ChatMessage[];
  /** Overrides the provider's configured maxOutputTokens (never above it). */
  maxOutputTokens?: number;
  /**
   * Ask for a JSON object of this shape through the provider's own structured-output feature
   * (`structuredOutput: native`), or by prompt with a fenced block marked by a per-call nonce
   * (`structuredOutput: prompt`).
   */
  output?: OutputSchema;
  /** Stream the reply (the aggregator's answer); without `output` the whole text is streamed. */
  stream?: StreamRequest;
}

/** How a structured reply was obtained: the provider's feature, the prompt, or not at all. */
export type StructuredBy = 'native' | 'prompt' | 'none';

/** What a wire client returns before usage is priced. */
export interface RawCompletion {
  /** The reply as text (for a structured reply: its JSON text). */
  text: string;
  /** The reply object when `output` was asked and the reply is valid against its schema. */
  json?: Record<string, unknown>;
  /** `none` when `output` was asked but no valid object came back (or none was asked). */
  structured: StructuredBy;
  /** Why a structured reply was not usable (a short, safe text). */
  invalidReason?: string;
  inputTokens: number;
  outputTokens: number;
  /** False when the provider reported no usage and the tokens are estimated from lengths. */
  usageReported: boolean;
}

export interface Completion extends RawCompletion {
  costUsd: number;
  latencyMs: number;
  /** 1, or 2 when the one retry was used. */
  attempts: number;
}

/**
 * Usage a call may have been billed for even though it failed (the request reached the
 * provider: a timeout, a cut or malformed body); carried by ProviderCallError.
 */
export interface BilledUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** True when estimated from the request and the bytes received (the provider said nothing). */
  estimated: boolean;
}

/** A speaker of one wire protocol (chat completions or messages) through the official SDK. */
export interface WireClient {
  send(request: ChatRequest, signal: AbortSignal): Promise<RawCompletion>;
}

export const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/** What /health/ready may show of a provider: no key, no URL path, no upstream text. */
export interface ProviderState {
  name: string;
  kind: string;
  model: string;
  simulated: boolean;
  circuit: CircuitState;
  lastFailure?: string;
}
