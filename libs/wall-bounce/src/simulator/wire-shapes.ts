import { randomBytes } from 'node:crypto';
import type { WireProtocol } from './simulator.types';

export const wireId = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;

/** What a successful reply carries, before a protocol encodes it. */
export type ReplyContent =
  | { kind: 'text'; text: string }
  /** Anthropic's structured reply: a tool_use block. */
  | { kind: 'tool'; name: string; input: Record<string, unknown> }
  | { kind: 'refusal'; text: string };

/** Usage as the reply reports it; undefined = none reported. */
export type ReplyUsage = { inputTokens: number; outputTokens: number } | undefined;

export function anthropicStopReason(content: ReplyContent): string {
  return content.kind === 'tool' ? 'tool_use' : content.kind === 'refusal' ? 'refusal' : 'end_turn';
}

export function anthropicBlock(content: ReplyContent): Record<string, unknown> {
  return content.kind === 'tool'
    ? { type: 'tool_use', id: wireId('toolu_'), name: content.name, input: content.input }
    : { type: 'text', text: content.text };
}

export function openAiUsage(usage: NonNullable<ReplyUsage>): Record<string, number> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

export function successBody(
  protocol: WireProtocol,
  model: string,
  content: ReplyContent,
  usage: ReplyUsage,
): unknown {
  if (protocol === 'anthropic') {
    return {
      id: wireId('msg_'),
      type: 'message',
      role: 'assistant',
      model,
      content: [anthropicBlock(content)],
      stop_reason: anthropicStopReason(content),
      stop_sequence: null,
      ...(usage
        ? { usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens } }
        : {}),
    };
  }
  const refused = content.kind === 'refusal';
  return {
    id: wireId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: refused ? null : contentText(content),
          refusal: refused ? content.text : null,
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    ...(usage ? { usage: openAiUsage(usage) } : {}),
  };
}

/** The text a content stands for (a tool call's input as JSON text). */
export function contentText(content: ReplyContent): string {
  return content.kind === 'tool' ? JSON.stringify(content.input) : content.text;
}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const OPENAI_ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
};

/**
 * The error body each protocol sends for a status, as their APIs document it; OpenAI's names
 * the offending parameter and a code where it has them.
 */
export function errorBody(
  protocol: WireProtocol,
  status: number,
  message: string,
  detail: { param?: string; code?: string } = {},
): unknown {
  if (protocol === 'anthropic') {
    const type = ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    return { type: 'error', error: { type, message } };
  }
  const known = OPENAI_ERRORS[status] ?? {
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return {
    error: {
      message,
      type: known.type,
      param: detail.param ?? null,
      code: detail.code ?? known.code,
    },
  };
}
