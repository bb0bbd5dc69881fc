import type { MessageCreateParamsNonStreaming, Tool } from '@anthropic-ai/sdk/resources/messages';
import type { ProviderConfig } from '../../config/wall-bounce-engine.config';
import type { Fetch } from '../egress/egress-fetch';
import { currentWireMeter } from '../egress/wire-meter';
import type { ChatRequest, RawCompletion, WireClient } from '../provider.types';
import { type ReadReply, ReplyReading } from '../structured/reply-reading';
import { completionUsage, type ReportedUsage } from '../usage-estimate';
import { loadOnFirstCall } from './lazy-sdk';
import { MalformedCompletionError } from './malformed-completion.error';

/** What a reply held once complete, streamed or not. */
interface Reply {
  text: string;
  /** The forced tool's input: parsed (a whole message) or as JSON text (a stream). */
  tool?: { input: unknown } | { json: string };
  stop?: string | null;
}

/** The SDK's client (loaded on the first call, see loadOnFirstCall). */
function loadSdk(config: ProviderConfig, fetch: Fetch) {
  return import('@anthropic-ai/sdk').then(
    ({ Anthropic }) =>
      new Anthropic({
        apiKey: config.apiKey ?? null,
        authToken: null,
        baseURL: config.baseUrl,
        maxRetries: 0,
        timeout: config.timeoutMs + 1000,
        fetch,
      }),
  );
}

/**
 * Anthropic messages through `@anthropic-ai/sdk`, with every option explicit (no
 * ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL / auth token from the environment) and the SDK's
 * retries off. Structured output natively as a forced tool call whose input schema is the
 * output's schema, or by prompt; streamed as raw events.
 */
export class AnthropicMessagesClient implements WireClient {
  private readonly sdk = loadOnFirstCall(() => loadSdk(this.config, this.fetch));

  constructor(
    private readonly config: ProviderConfig,
    private readonly fetch: Fetch,
  ) {}

  async send(request: ChatRequest, signal: AbortSignal): Promise<RawCompletion> {
    const meter = currentWireMeter();
    const reading = new ReplyReading(request, this.config.structuredOutput, meter);
    const output = request.output;
    const params: MessageCreateParamsNonStreaming = {
      model: this.config.model,
      system: reading.system,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      max_tokens: Math.min(request.maxOutputTokens ?? Infinity, this.config.maxOutputTokens),
      ...(this.config.temperature !== undefined
        ? { temperature: Math.min(1, this.config.temperature) }
        : {}),
      ...(output && reading.native
        ? {
            tools: [
              {
                name: output.name,
                description: output.description,
                input_schema: output.schema as Tool.InputSchema,
              },
            ],
            tool_choice: { type: 'tool', name: output.name },
          }
        : {}),
    };
    const reported: ReportedUsage = {};
    const reply = request.stream
      ? await this.streamed(params, reading, reported, signal)
      : await this.whole(params, reported, signal);
    const read = this.read(reply, reading, output?.name);
    return {
      ...read,
      ...completionUsage(reported, reading.prompt, reply.text + jsonOf(reply)),
    };
  }

  private async whole(
    params: MessageCreateParamsNonStreaming,
    reported: ReportedUsage,
    signal: AbortSignal,
  ): Promise<Reply> {
    const message = await (await this.sdk()).messages.create(params, { signal });
    const usage = message.usage;
    if (usage) {
      reported.input = inputTokensOf(usage);
      reported.output = usage.output_tokens;
      currentWireMeter()?.report(reported);
    }
    if (!Array.isArray(message.content)) throw new MalformedCompletionError('no content blocks');
    const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    const tool = message.content.find((b) => b.type === 'tool_use');
    return { text, ...(tool ? { tool: { input: tool.input } } : {}), stop: message.stop_reason };
  }

  private async streamed(
    params: MessageCreateParamsNonStreaming,
    reading: ReplyReading,
    reported: ReportedUsage,
    signal: AbortSignal,
  ): Promise<Reply> {
    const meter = currentWireMeter();
    const stream = await (
      await this.sdk()
    ).messages.create({ ...params, stream: true }, { signal });
    let text = '';
    let json: string | undefined;
    let toolIndex: number | undefined;
    let stop: string | null | undefined;
    let ended = false;
    for await (const event of stream) {
      switch (event.type) {
        case 'message_start':
          if (event.message.usage) {
            reported.input = inputTokensOf(event.message.usage);
            meter?.report(reported);
          }
          break;
        case 'content_block_start':
          if (event.content_block.type === 'tool_use' && toolIndex === undefined) {
            toolIndex = event.index;
            json = '';
          }
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta') {
            text += event.delta.text;
            reading.text(event.delta.text);
          } else if (event.delta.type === 'input_json_delta' && event.index === toolIndex) {
            json += event.delta.partial_json;
            reading.json(event.delta.partial_json);
          }
          break;
        case 'message_delta':
          stop = event.delta.stop_reason;
          if (event.usage?.output_tokens !== undefined) {
            reported.output = event.usage.output_tokens;
            meter?.report(reported);
          }
          break;
        case 'message_stop':
          ended = true;
          break;
      }
    }
    // The SDK ends an aborted stream quietly: a timeout must not pass for a short reply.
    signal.throwIfAborted();
    if (!ended) throw new MalformedCompletionError('the stream ended before message_stop');
    return { text, ...(json !== undefined ? { tool: { json } } : {}), stop };
  }

  private read(reply: Reply, reading: ReplyReading, toolName?: string): ReadReply {
    const truncated = reply.stop === 'max_tokens';
    if (reply.stop === 'refusal') return reading.refused(reply.text);
    if (!reading.native || !toolName) return reading.fromText(reply.text, truncated);
    if (!reply.tool) return reading.missing(reply.text, 'no tool call in the reply', truncated);
    if ('input' in reply.tool) return reading.fromObject(reply.tool.input);
    let input: unknown;
    try {
      input = JSON.parse(reply.tool.json);
    } catch {
      return reading.missing(reply.tool.json, 'the tool input is not JSON', truncated);
    }
    return reading.fromObject(input);
  }
}

function inputTokensOf(usage: {
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}): number {
  return (
    (usage.input_tokens ?? 0) +
    (usage.cache_creation_input_tokens ?? 0) +
    (usage.cache_read_input_tokens ?? 0)
  );
}

function jsonOf(reply: Reply): string {
  if (!reply.tool) return '';
  return 'json' in reply.tool ? reply.tool.json : (JSON.stringify(reply.tool.input) ?? '');
}
