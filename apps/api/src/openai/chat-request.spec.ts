import { ValidationFailedError } from '@techsapo/core';
import { chatAnalysisRequest } from './chat-request';
import type { CreateChatCompletionDto } from './dto/create-chat-completion.dto';

const body = (extra: Partial<CreateChatCompletionDto>): CreateChatCompletionDto =>
  ({
    model: 'techsapo/parallel',
    messages: [{ role: 'user', content: 'Why?' }],
    ...extra,
  }) as CreateChatCompletionDto;

function refusal(extra: Partial<CreateChatCompletionDto>): { field: string; message: string }[] {
  try {
    chatAnalysisRequest(body(extra));
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.options.errors ?? [];
    throw error;
  }
  throw new Error('not refused');
}

describe('chat completion request → analysis', () => {
  it('labels each turn with its role, instructions apart from the conversation', () => {
    const { content, answerFormat } = chatAnalysisRequest(
      body({
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', name: 'ann', content: [{ type: 'text', text: 'Is it safe?' }] },
          { role: 'assistant', content: 'Mostly.' },
          { role: 'user', content: 'Why?' },
        ],
      }),
    );
    expect(content).toBe(
      '[system]\nBe brief.\n\n[user: ann]\nIs it safe?\n\n[assistant]\nMostly.\n\n[user]\nWhy?',
    );
    expect(answerFormat).toBeUndefined();
  });

  it('refuses tools, functions, non-text parts and log probabilities, naming the field', () => {
    expect(
      refusal({
        tools: [{ type: 'function' }],
        tool_choice: 'required',
        logprobs: true,
        messages: [
          { role: 'user', content: [{ type: 'input_audio' }, { type: 'text', text: 1 }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'x' }] },
          { role: 'function', content: 'x' },
        ],
      }).map((e) => e.field),
    ).toEqual([
      'tools',
      'tool_choice',
      'logprobs',
      'messages.0.content.0',
      'messages.0.content.1.text',
      'messages.1.tool_calls',
      'messages.1.content',
      'messages.2.role',
    ]);
    expect(refusal({ messages: [{ role: 'system', content: 'only rules' }] })).toEqual([
      { field: 'messages', message: 'must contain at least one user turn' },
    ]);
  });

  it('accepts empty tool lists and auto choices as OpenAI clients send them', () => {
    expect(() =>
      chatAnalysisRequest(body({ tools: [], tool_choice: 'auto', function_call: 'none' })),
    ).not.toThrow();
  });

  it('takes a json_schema as the answer format, refuses json_object', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['ok'],
      properties: { ok: { type: 'boolean' } },
    };
    expect(
      chatAnalysisRequest(
        body({ response_format: { type: 'json_schema', json_schema: { name: 'r', schema } } }),
      ).answerFormat,
    ).toEqual({ name: 'r', schema });
    expect(refusal({ response_format: { type: 'json_object' } })[0].field).toBe(
      'response_format.type',
    );
    expect(refusal({ response_format: { type: 'json_schema' } })[0].field).toBe(
      'response_format.json_schema',
    );
  });
});
