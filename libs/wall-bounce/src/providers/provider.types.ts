export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** One call to a model: a system prompt and the conversation so far. */
export interface ChatRequest {
  system: string;
  messages: ChatMessage[];
  /** Overrides the provider's configured maxOutputTokens (never above it). */
  maxOutputTokens?: number;
}

/** What a wire client returns before usage is priced. */
export interface RawCompletion {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

export interface Completion extends RawCompletion {
  costUsd: number;
  latencyMs: number;
  /** 1, or 2 when the one retry was used. */
  attempts: number;
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
