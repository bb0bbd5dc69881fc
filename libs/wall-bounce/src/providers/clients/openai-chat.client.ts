import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ProviderConfig } from '../../config/wall-bounce-engine.config';
import type { Fetch } from '../egress/egress-fetch';
import { currentWireMeter } from '../egress/wire-meter';
import type { ChatRequest, RawCompletion, WireClient } from '../provider.types';
import { ReplyReading } from '../structured/reply-reading';
import { completionUsage, type ReportedUsage } from '../usage-estimate';
import { loadOnFirstCall } from './lazy-sdk';
import { MalformedCompletionError } from './malformed-completion.error';

/** Placeholder for servers that take no key (Ollama, vLLM): the SDK insists on one. */
const NO_KEY = 'no-key';

/** The SDK's client (loaded on the first call, see loadOnFirstCall). */
function loadSdk(config: ProviderConfig, fetch: Fetch) {
  return import('openai').then(
    ({ OpenAI }) =>
      new OpenAI({
        apiKey: config.apiKey ?? NO_KEY,
        baseURL: config.baseUrl,
        organization: null,
        project: null,
        maxRetries: 0,
        timeout: config.timeoutMs + 1000,
        fetch,
      }),
  );
}

/**
 * OpenAI chat completions through the `openai` SDK: OpenAI itself, Gemini's
 * OpenAI-compatible endpoint, and any compatible server. Every option is explicit so the SDK
 * never falls back to OPENAI_API_KEY / OPENAI_BASE_URL from the environment, and its own
 * retries are off (the provider does exactly one). Structured output natively through
 * `response_format` json_schema (strict), or by prompt; streamed through the SDK's stream.
 */
export class OpenAiChatClient implements WireClient {
  private readonly sdk = loadOnFirstCall(() => loadSdk(this.config, this.fetch));

  constructor(
    private readonly config: ProviderConfig,
    private readonly fetch: Fetch,
  ) {}

  async send(request: ChatRequest, signal: AbortSignal): Promise<RawCompletion> {
    const meter = currentWireMeter();
    const reading = new ReplyReading(request, this.config.structuredOutput, meter);
    const limit = Math.min(request.maxOutputTokens ?? Infinity, this.config.maxOutputTokens);
    const output = request.output;
    const params: ChatCompletionCreateParamsNonStreaming = {
      model: this.config.model,
      messages: [
        { role: 'system', content: reading.system },
        ...request.messages.map((m) => ({ role: m.role, content: m.content })),
      ],
      // OpenAI's newer models refuse max_tokens; compatible servers mostly know only it.
      ...(this.config.kind === 'openai' ? { max_completion_tokens: limit } : { max_tokens: limit }),
      ...(this.config.temperature !== undefined ? { temperature: this.config.temperature } : {}),
      ...(output && reading.native
        ? {
            response_format: {
              type: 'json_schema',
              json_schema: {
                name: output.name,
                description: output.description,
                schema: output.schema,
                strict: true,
              },
            },
          }
        : {}),
    };
    if (request.stream) return this.streamed(params, reading, signal);

    const completion = await (await this.sdk()).chat.completions.create(params, { signal });
    const reported = completion.usage && {
      input: completion.usage.prompt_tokens,
      output: completion.usage.completion_tokens,
    };
    if (reported) meter?.report(reported);
    const choice = completion.choices?.[0];
    return this.reply(
      reading,
      choice?.message?.content,
      choice?.message?.refusal,
      choice?.finish_reason === 'length',
      reported,
    );
  }

  private async streamed(
    params: ChatCompletionCreateParamsNonStreaming,
    reading: ReplyReading,
    signal: AbortSignal,
  ): Promise<RawCompletion> {
    const stream = await (
      await this.sdk()
    ).chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      { signal },
    );
    let content = '';
    let refusal = '';
    let finish: string | undefined;
    let reported: ReportedUsage | undefined;
    const meter = currentWireMeter();
    for await (const chunk of stream) {
      if (chunk.usage) {
        reported = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
        meter?.report(reported);
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const piece = choice.delta?.content;
      if (piece) {
        content += piece;
        if (reading.native) reading.json(piece);
        else reading.text(piece);
      }
      if (choice.delta?.refusal) refusal += choice.delta.refusal;
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    // The SDK ends an aborted stream quietly: a timeout must not pass for a short reply.
    signal.throwIfAborted();
    if (!finish) throw new MalformedCompletionError('the stream ended before its finish');
    return this.reply(reading, content, refusal, finish === 'length', reported);
  }

  /** The completion from the message as received whole or assembled from the stream. */
  private reply(
    reading: ReplyReading,
    content: string | null | undefined,
    refusal: string | null | undefined,
    truncated: boolean,
    reported: ReportedUsage | undefined | null,
  ): RawCompletion {
    if (refusal) {
      return { ...reading.refused(refusal), ...completionUsage(reported, reading.prompt, refusal) };
    }
    if (typeof content !== 'string') throw new MalformedCompletionError('no message content');
    return {
      ...reading.fromText(content, truncated),
      ...completionUsage(reported, reading.prompt, content),
    };
  }
}
