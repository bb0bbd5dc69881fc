import OpenAI from 'openai';
import type { ProviderConfig } from '../../config/wall-bounce-engine.config';
import type { Fetch } from '../egress/egress-fetch';
import type { ChatRequest, RawCompletion, WireClient } from '../provider.types';

/** Placeholder for servers that take no key (Ollama, vLLM): the SDK insists on one. */
const NO_KEY = 'no-key';

/**
 * OpenAI chat completions through the `openai` SDK: OpenAI itself, Gemini's
 * OpenAI-compatible endpoint, and any compatible server. Every option is explicit so the SDK
 * never falls back to OPENAI_API_KEY / OPENAI_BASE_URL from the environment, and its own
 * retries are off (the provider does exactly one).
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
    const limit = Math.min(request.maxOutputTokens ?? Infinity, this.config.maxOutputTokens);
    const completion = await this.sdk.chat.completions.create(
      {
        model: this.config.model,
        messages: [
          { role: 'system', content: request.system },
          ...request.messages.map((m) => ({ role: m.role, content: m.content })),
        ],
        // OpenAI's newer models refuse max_tokens; compatible servers mostly know only it.
        ...(this.config.kind === 'openai'
          ? { max_completion_tokens: limit }
          : { max_tokens: limit }),
        ...(this.config.temperature !== undefined ? { temperature: this.config.temperature } : {}),
      },
      { signal },
    );
    const text = completion.choices?.[0]?.message?.content;
    if (typeof text !== 'string') throw new MalformedCompletionError('no message content');
    return {
      text,
      structured: 'none',
      usageReported: completion.usage !== undefined && completion.usage !== null,
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    };
  }
}

export class MalformedCompletionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedCompletionError';
  }
}
