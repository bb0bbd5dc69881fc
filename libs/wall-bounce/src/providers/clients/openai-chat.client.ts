import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ProviderConfig } from '../../config/wall-bounce-engine.config';
import type { Fetch } from '../egress/egress-fetch';
import { currentWireMeter } from '../egress/wire-meter';
import type { ChatRequest, RawCompletion, WireClient } from '../provider.types';
import { ReplyReading } from '../structured/reply-reading';
import { completionUsage, type ReportedUsage } from '../usage-estimate';
import { MalformedCompletionError } from './malformed-completion.error';

/** Placeholder for servers that take no key (Ollama, vLLM): the SDK insists on one. */
const NO_KEY = 'no-key';

/**
 * OpenAI chat completions through the `openai` SDK: OpenAI itself, Gemini's
 * OpenAI-compatible endpoint, and any compatible server. Every option is explicit so the SDK
 * never falls back to OPENAI_API_KEY / OPENAI_BASE_URL from the environment, and its own
 * retries are off (the provider does exactly one). Structured output natively through
 * `response_format` json_schema (strict), or by prompt; streamed through the SDK's stream.
 */
export class OpenAiChatClient implements WireClient {
  private readonly sdk: OpenAI;

  constructor(
    private readonly config: ProviderConfig,
    fetch: Fetch,
  ) {
    this.sdk = new OpenAI({
      apiKey: config.apiKey ?? NO_KEY,
      baseURL: config.baseUrl,
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: config.timeoutMs + 1000,
      fetch,
    });
  }

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
    const sent = reading.prompt;
    if (request.stream) return this.streamed(params, reading, sent, signal);

    const completion = await this.sdk.chat.completions.create(params, { signal });
    const reported = completion.usage && {
      input: completion.usage.prompt_tokens,
      output: completion.usage.completion_tokens,
    };
    if (meter && reported)
      [meter.reportedInput, meter.reportedOutput] = [reported.input, reported.output];
    const choice = completion.choices?.[0];
    const message = choice?.message;
    if (message?.refusal) {
      return {
        ...reading.refused(message.refusal),
        ...completionUsage(reported, sent, message.refusal),
      };
    }
    const text = message?.content;
    if (typeof text !== 'string') throw new MalformedCompletionError('no message content');
    return {
      ...reading.fromText(text, choice.finish_reason === 'length'),
      ...completionUsage(reported, sent, text),
    };
  }

  private async streamed(
    params: ChatCompletionCreateParamsNonStreaming,
    reading: ReplyReading,
    sent: string,
    signal: AbortSignal,
  ): Promise<RawCompletion> {
    const stream = await this.sdk.chat.completions.create(
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
    if (refusal)
      return { ...reading.refused(refusal), ...completionUsage(reported, sent, refusal) };
    return {
      ...reading.fromText(content, finish === 'length'),
      ...completionUsage(reported, sent, content),
    };
  }
}
