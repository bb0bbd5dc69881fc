import type { StructuredOutputMode } from '../../config/provider-definition';
import type { WireMeter } from '../egress/wire-meter';
import type { ChatRequest, RawCompletion } from '../provider.types';
import { promptText } from '../usage-estimate';
import { JsonFieldStreamer } from './json-field-streamer';
import { drawNonce, NonceBlockFilter, nonceBlockInstruction, readNonceBlock } from './nonce-block';
import { schemaMismatch } from './schema-validator';

/** What a reply says of itself once read: everything of a RawCompletion but usage. */
export type ReadReply = Pick<RawCompletion, 'text' | 'json' | 'structured' | 'invalidReason'>;

const REFUSAL_SHOWN = 200;

/**
 * One call's way of asking for and reading a reply, shared by the wire clients: whether the
 * provider's own structured-output feature is used (`native`), the prompt instruction with a
 * per-call nonce (`prompt`), or neither (no output asked); where stream pieces go (the
 * streamed field's decoded value, or the raw text when no output is asked); and how the
 * complete reply becomes json, validated against the schema.
 */
export class ReplyReading {
  /** How the output is asked: undefined when the request asks for none. */
  readonly mode?: StructuredOutputMode;
  /** The system prompt as sent (with the nonce instruction in prompt mode). */
  readonly system: string;
  private readonly nonce?: string;
  private readonly jsonSink?: (piece: string) => void;
  private readonly textSink?: (piece: string) => void;

  constructor(
    private readonly request: ChatRequest,
    mode: StructuredOutputMode,
    private readonly meter?: WireMeter,
  ) {
    const output = request.output;
    this.mode = output ? mode : undefined;
    if (output && mode === 'prompt') this.nonce = drawNonce();
    this.system = this.nonce
      ? `${request.system}\n\n${nonceBlockInstruction(output as NonNullable<typeof output>, this.nonce)}`
      : request.system;
    if (meter) meter.promptChars = this.prompt.length;
    const stream = request.stream;
    if (!stream) return;
    const deliver = (text: string): void => {
      if (this.meter) this.meter.delivered = true;
      stream.onDelta(text);
    };
    if (!output) {
      this.textSink = deliver;
      return;
    }
    const field = new JsonFieldStreamer(stream.field, deliver);
    this.jsonSink = (piece) => field.write(piece);
    if (this.nonce) {
      const block = new NonceBlockFilter(this.nonce, this.jsonSink);
      this.textSink = (piece) => block.write(piece);
    }
  }

  /** The text of the prompt as sent, for usage estimates. */
  get prompt(): string {
    return promptText(this.system, this.request.messages);
  }

  get native(): boolean {
    return this.mode === 'native';
  }

  /** A piece of reply text as it arrives (prose, or a prompt-mode reply). */
  text(piece: string): void {
    this.count(piece);
    this.textSink?.(piece);
  }

  /** A piece of a native structured reply's JSON text as it arrives. */
  json(piece: string): void {
    this.count(piece);
    if (this.native) this.jsonSink?.(piece);
  }

  /** The complete reply text: OpenAI's message content, or a reply asked by prompt. */
  fromText(text: string, truncated = false): ReadReply {
    if (!this.mode) return { text, structured: 'none' };
    if (this.mode === 'native') return this.judge(text, parseObject(text), 'native', truncated);
    const block = readNonceBlock(text, this.nonce as string);
    if ('reason' in block) return unusable(text, block.reason, truncated);
    const read = this.judge(block.content.trim(), parseObject(block.content), 'prompt', truncated);
    return read.json ? read : { ...read, text };
  }

  /** A native tool call's input (Anthropic), already parsed. */
  fromObject(input: unknown): ReadReply {
    const text = JSON.stringify(input) ?? '';
    const object = isObject(input)
      ? { value: input }
      : { reason: 'the tool input is not an object' };
    return this.judge(text, object, 'native', false);
  }

  /** The model declined; what it said is kept as the text. */
  refused(text: string): ReadReply {
    return { text, structured: 'none', invalidReason: `refused: ${text.slice(0, REFUSAL_SHOWN)}` };
  }

  /** A native reply that did not use the feature (e.g. prose instead of the tool call). */
  missing(text: string, reason: string, truncated = false): ReadReply {
    return unusable(text, reason, truncated);
  }

  private judge(
    text: string,
    parsed: { value: Record<string, unknown> } | { reason: string },
    by: 'native' | 'prompt',
    truncated: boolean,
  ): ReadReply {
    if ('reason' in parsed) return unusable(text, parsed.reason, truncated);
    const mismatch = schemaMismatch(
      (this.request.output as NonNullable<ChatRequest['output']>).schema,
      parsed.value,
    );
    if (mismatch) return unusable(text, `does not match the schema: ${mismatch}`, truncated);
    return { text, json: parsed.value, structured: by };
  }

  private count(piece: string): void {
    if (this.meter) this.meter.decodedChars += piece.length;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseObject(text: string): { value: Record<string, unknown> } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: 'not JSON' };
  }
  return isObject(value) ? { value } : { reason: 'not a JSON object' };
}

function unusable(text: string, reason: string, truncated: boolean): ReadReply {
  return {
    text,
    structured: 'none',
    invalidReason: truncated ? `cut at the output token limit; ${reason}` : reason,
  };
}
