import Anthropic from '@anthropic-ai/sdk';
import type { ProviderConfig } from '../../config/wall-bounce-engine.config';
import type { Fetch } from '../egress/egress-fetch';
import type { ChatRequest, RawCompletion, WireClient } from '../provider.types';
import { MalformedCompletionError } from './openai-chat.client';

/**
 * Anthropic messages through `@anthropic-ai/sdk`, with every option explicit (no
 * ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL / auth token from the environment) and the SDK's
 * retries off.
 */
export class AnthropicMessagesClient implements WireClient {
  private readonly sdk: Anthropic;

  constructor(
    private readonly config: ProviderConfig,
    fetch: Fetch,
  ) {
    this.sdk = new Anthropic({
      apiKey: config.apiKey ?? null,
      authToken: null,
      baseURL: config.baseUrl,
      maxRetries: 0,
      timeout: config.timeoutMs + 1000,
      fetch,
    });
  }

  async send(request: ChatRequest, signal: AbortSignal): Promise<RawCompletion> {
    const message = await this.sdk.messages.create(
      {
        model: this.config.model,
        system: request.system,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        max_tokens: Math.min(request.maxOutputTokens ?? Infinity, this.config.maxOutputTokens),
        ...(this.config.temperature !== undefined
          ? { temperature: Math.min(1, this.config.temperature) }
          : {}),
      },
      { signal },
    );
    if (!Array.isArray(message.content)) throw new MalformedCompletionError('no content blocks');
    const text = message.content
      .flatMap((block) => (block.type === 'text' ? [block.text] : []))
      .join('');
    const usage = message.usage;
    return {
      text,
      structured: 'none',
      usageReported: usage !== undefined && usage !== null,
      inputTokens:
        (usage?.input_tokens ?? 0) +
        (usage?.cache_creation_input_tokens ?? 0) +
        (usage?.cache_read_input_tokens ?? 0),
      outputTokens: usage?.output_tokens ?? 0,
    };
  }
}
