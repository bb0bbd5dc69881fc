export type WireProtocol = 'openai' | 'anthropic';

/** One request as the simulator received it. */
export interface SimulatedCall {
  protocol: WireProtocol;
  path: string;
  model: string;
  system: string;
  messages: { role: string; content: string }[];
  /** The last user message (what the model is asked). */
  prompt: string;
  maxTokens?: number;
  /** 1 for the first request of this model, 2 for the next, … */
  sequence: number;
  bodyBytes: number;
}

export interface TextReply {
  text: string;
  /** Usage as reported; default: a character-based estimate. */
  inputTokens?: number;
  outputTokens?: number;
  latencyMs?: number;
}

export interface ErrorReply {
  /** HTTP status; the body has the protocol's error shape for it. */
  error: number;
  message?: string;
  retryAfterSeconds?: number;
  latencyMs?: number;
}

/** A body that is not what the protocol promises (malformed output). */
export interface RawReply {
  raw: string;
  status?: number;
  contentType?: string;
  latencyMs?: number;
}

/** Never answers; the client's timeout ends the call. */
export interface HangReply {
  hang: true;
}

export type SimulatorReply = TextReply | ErrorReply | RawReply | HangReply;

/** Decides the reply to each call; may be async. */
export type SimulatorScript = (call: SimulatedCall) => SimulatorReply | Promise<SimulatorReply>;
