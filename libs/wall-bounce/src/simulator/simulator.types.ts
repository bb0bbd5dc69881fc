export type WireProtocol = 'openai' | 'anthropic';

/** A structured-output request as it came over the wire. */
export interface RequestedOutput {
  /** OpenAI `response_format` json_schema or json_object; Anthropic a tool. */
  feature: 'json_schema' | 'json_object' | 'tool';
  /** The json_schema name, or the tool's name. */
  name?: string;
  /** The json_schema's schema, or the tool's input_schema. */
  schema?: Record<string, unknown>;
  /** OpenAI: `json_schema.strict`. */
  strict?: boolean;
  /** Anthropic: how tool_choice picked the tool (`tool` = forced by name). */
  toolChoice?: 'auto' | 'any' | 'tool';
}

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
  /** The structured output asked for, if any (the tool a json reply uses, for Anthropic). */
  output?: RequestedOutput;
  /** Whether the reply was asked as a stream (`stream: true`). */
  stream: boolean;
  /** OpenAI: `stream_options.include_usage`. */
  streamUsage: boolean;
}

/** What every successful reply may set besides its content. */
export interface ReplyOptions {
  /** Usage as reported; default: a character-based estimate. */
  inputTokens?: number;
  outputTokens?: number;
  /** Send no usage at all (a server that does not report it). */
  omitUsage?: boolean;
  latencyMs?: number;
  /** Pause between the chunks of a streamed reply (overrides the simulator's option). */
  chunkDelayMs?: number;
  /**
   * Break off after this many content chunks of a stream (or half the body of a plain reply):
   * `stall` sends nothing more (the client's timeout ends it), `close` drops the connection.
   */
  interrupt?: { afterChunks: number; then: 'stall' | 'close' };
}

export interface TextReply extends ReplyOptions {
  text: string;
}

/**
 * A JSON object: sent through the structured-output feature the request asked for (OpenAI:
 * the message content; Anthropic: a tool_use block), else as JSON text. Checked against the
 * requested schema: a mismatch is answered 500 (a script bug must not pass silently).
 */
export interface JsonReply extends ReplyOptions {
  json: Record<string, unknown>;
}

/** The model declines (OpenAI: `message.refusal`; Anthropic: `stop_reason: 'refusal'`). */
export interface RefusalReply extends ReplyOptions {
  refusal: string;
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

export type SimulatorReply =
  TextReply | JsonReply | RefusalReply | ErrorReply | RawReply | HangReply;

/** Decides the reply to each call; may be async. */
export type SimulatorScript = (call: SimulatedCall) => SimulatorReply | Promise<SimulatorReply>;
