import {
  anthropicBlock,
  anthropicStopReason,
  contentText,
  openAiUsage,
  type ReplyContent,
  type ReplyUsage,
  wireId,
} from './wire-shapes';
import type { WireProtocol } from './simulator.types';

/** One server-sent event as written; `content` marks those that carry a piece of the reply. */
export interface StreamFrame {
  data: string;
  content: boolean;
}

/** Code points per content chunk: small, so escapes and multi-byte characters land on cuts. */
const PIECE = 8;
/** More chunks than this and the pieces grow instead: a long reply stays a few hundred events. */
const MAX_PIECES = 256;

/** The text cut into pieces of a few code points (never inside a surrogate pair). */
export function cutIntoPieces(text: string, piece = PIECE): string[] {
  const points = Array.from(text);
  const size = Math.max(piece, Math.ceil(points.length / MAX_PIECES));
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(''));
  return pieces;
}

/**
 * The exact event stream each protocol sends for a reply. OpenAI: `data: {chunk}` lines whose
 * `choices[0].delta` carries the content (or refusal), a last chunk with the finish reason, a
 * usage chunk with no choices when `include_usage` was asked, then `data: [DONE]`. Anthropic:
 * message_start (input usage), content_block_start (text or tool_use), ping,
 * content_block_delta (text_delta / input_json_delta), content_block_stop, message_delta
 * (stop reason, output usage), message_stop.
 */
export function streamFrames(
  protocol: WireProtocol,
  model: string,
  content: ReplyContent,
  usage: ReplyUsage,
  includeUsage: boolean,
): StreamFrame[] {
  const pieces = cutIntoPieces(contentText(content));
  return protocol === 'anthropic'
    ? anthropicFrames(model, content, pieces, usage)
    : openAiFrames(model, content, pieces, usage, includeUsage);
}

function openAiFrames(
  model: string,
  content: ReplyContent,
  pieces: string[],
  usage: ReplyUsage,
  includeUsage: boolean,
): StreamFrame[] {
  const id = wireId('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null, isContent = false) => ({
    data: `data: ${JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    })}\n\n`,
    content: isContent,
  });
  const field = content.kind === 'refusal' ? 'refusal' : 'content';
  const frames = [
    chunk({ role: 'assistant', content: '', refusal: null }, null),
    ...pieces.map((piece) => chunk({ [field]: piece }, null, true)),
    chunk({}, 'stop'),
  ];
  if (includeUsage && usage) {
    const last = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: null };
    frames.push({
      data: `data: ${JSON.stringify({ ...last, choices: [], usage: openAiUsage(usage) })}\n\n`,
      content: false,
    });
  }
  frames.push({ data: 'data: [DONE]\n\n', content: false });
  return frames;
}

function anthropicFrames(
  model: string,
  content: ReplyContent,
  pieces: string[],
  usage: ReplyUsage,
): StreamFrame[] {
  const event = (type: string, data: Record<string, unknown>, isContent = false) => ({
    data: `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`,
    content: isContent,
  });
  const block = anthropicBlock(content);
  const tool = block.type === 'tool_use';
  return [
    event('message_start', {
      message: {
        id: wireId('msg_'),
        type: 'message',
        role: 'assistant',
        content: [],
        model,
        stop_reason: null,
        stop_sequence: null,
        ...(usage ? { usage: { input_tokens: usage.inputTokens, output_tokens: 1 } } : {}),
      },
    }),
    event('content_block_start', {
      index: 0,
      content_block: tool ? { ...block, input: {} } : { type: 'text', text: '' },
    }),
    event('ping', {}),
    ...(tool
      ? [
          event('content_block_delta', {
            index: 0,
            delta: { type: 'input_json_delta', partial_json: '' },
          }),
        ]
      : []),
    ...pieces.map((piece) =>
      event(
        'content_block_delta',
        {
          index: 0,
          delta: tool
            ? { type: 'input_json_delta', partial_json: piece }
            : { type: 'text_delta', text: piece },
        },
        true,
      ),
    ),
    event('content_block_stop', { index: 0 }),
    event('message_delta', {
      delta: { stop_reason: anthropicStopReason(content), stop_sequence: null },
      ...(usage ? { usage: { output_tokens: usage.outputTokens } } : {}),
    }),
    event('message_stop', {}),
  ];
}
