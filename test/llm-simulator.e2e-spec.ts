import Anthropic from '@anthropic-ai/sdk';
import { LlmSimulator } from '@techsapo/wall-bounce';
import OpenAI from 'openai';

/**
 * The simulator's wire protocols as the official SDKs see them: structured output through
 * OpenAI's response_format and Anthropic's forced tools, with the APIs' 400s for what they
 * refuse, and the exact event streams of both protocols.
 */
const verdictSchema = {
  type: 'object',
  properties: {
    verdict: { type: 'string', enum: ['no-issues', 'serious-issues'] },
    answer: { type: 'string' },
    confidence: { type: ['number', 'null'], minimum: 0, maximum: 1 },
  },
  required: ['verdict', 'answer', 'confidence'],
  additionalProperties: false,
};
const reply = {
  verdict: 'serious-issues',
  answer: 'Line 3 builds SQL by "concatenation".\nUse bind parameters.',
  confidence: 0.8,
};

describe('the simulator through the official SDKs', () => {
  const simulator = new LlmSimulator({ apiKey: 'sk-sim' });
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    const url = await simulator.start();
    openai = new OpenAI({ apiKey: 'sk-sim', baseURL: `${url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: 'sk-sim', baseURL: url, maxRetries: 0 });
  });
  afterAll(() => simulator.close());
  beforeEach(() => {
    simulator.reset();
    simulator.setScript(() => ({ json: reply, inputTokens: 40, outputTokens: 20 }));
  });

  const messages = [
    { role: 'user' as const, content: 'Review: SELECT * FROM t WHERE id = ' + "' + id" },
  ];
  const jsonSchema = (schema: Record<string, unknown>, name = 'review') => ({
    type: 'json_schema' as const,
    json_schema: { name, description: 'a review', schema, strict: true },
  });
  const tool = {
    name: 'review',
    description: 'Report the review.',
    input_schema: verdictSchema as Anthropic.Tool.InputSchema,
  };
  const forcedTool = { tools: [tool], tool_choice: { type: 'tool' as const, name: 'review' } };

  it('OpenAI: a json reply is the message content of a json_schema request, recorded as asked', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-x',
      messages,
      response_format: jsonSchema(verdictSchema),
    });
    expect(JSON.parse(completion.choices[0].message.content ?? '')).toEqual(reply);
    expect(completion.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 20 });
    expect(simulator.calls[0]).toMatchObject({
      output: { feature: 'json_schema', name: 'review', schema: verdictSchema, strict: true },
      stream: false,
    });
  });

  it('OpenAI: a schema strict mode refuses is answered 400 in the API error shape', async () => {
    const loose = { ...verdictSchema, required: ['verdict', 'answer'] };
    const error = await openai.chat.completions
      .create({ model: 'gpt-x', messages, response_format: jsonSchema(loose) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toEqual({
      message:
        "Invalid schema for response_format 'review': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'confidence'.",
      type: 'invalid_request_error',
      param: 'response_format',
      code: null,
    });
  });

  it('a script json that does not match the schema is a 500 naming the mismatch', async () => {
    simulator.setScript(() => ({ json: { ...reply, verdict: 'fine' } }));
    const error = await openai.chat.completions
      .create({ model: 'gpt-x', messages, response_format: jsonSchema(verdictSchema) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500 });
    expect((error as Error).message).toMatch(
      /does not match the requested schema 'review': \/verdict must be equal to one of the allowed values/,
    );
  });

  it('text to a structured request stays text; json to a plain request is JSON text; refusals', async () => {
    simulator.setScript(() => ({ text: 'I would rather talk.' }));
    const prose = await openai.chat.completions.create({
      model: 'gpt-x',
      messages,
      response_format: jsonSchema(verdictSchema),
    });
    expect(prose.choices[0].message.content).toBe('I would rather talk.');
    simulator.setScript(() => ({ json: reply }));
    const plain = await anthropic.messages.create({ model: 'claude-x', max_tokens: 100, messages });
    expect(plain.content).toEqual([{ type: 'text', text: JSON.stringify(reply) }]);
    simulator.setScript(() => ({ refusal: 'I cannot help with that.' }));
    const refused = await openai.chat.completions.create({
      model: 'gpt-x',
      messages,
      response_format: jsonSchema(verdictSchema),
    });
    expect(refused.choices[0].message).toMatchObject({
      content: null,
      refusal: 'I cannot help with that.',
    });
  });

  it('Anthropic: a forced tool gets a tool_use block with the json as input', async () => {
    const message = await anthropic.messages.create({
      model: 'claude-x',
      max_tokens: 100,
      messages,
      ...forcedTool,
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'review', input: reply },
    ]);
    expect(simulator.calls[0].output).toEqual({
      feature: 'tool',
      name: 'review',
      schema: verdictSchema,
      toolChoice: 'tool',
    });
  });

  it('Anthropic: a tool_choice naming no tool is answered 400 in the API error shape', async () => {
    const error = await anthropic.messages
      .create({
        model: 'claude-x',
        max_tokens: 100,
        messages,
        tools: [tool],
        tool_choice: { type: 'tool', name: 'verdict' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: "tool_choice.tool.name: Tool 'verdict' not found in provided tools",
      },
    });
  });

  it('OpenAI stream: role chunk, content deltas, finish chunk, the usage chunk when asked, [DONE]', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-x',
      messages,
      response_format: jsonSchema(verdictSchema),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const deltas = chunks.flatMap((c) =>
      c.choices[0]?.delta.content ? [c.choices[0].delta.content] : [],
    );
    expect(deltas.length).toBeGreaterThan(5);
    expect(JSON.parse(deltas.join(''))).toEqual(reply);
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 40, completion_tokens: 20 },
    });
    expect(simulator.calls[0]).toMatchObject({ stream: true, streamUsage: true });
  });

  it('Anthropic stream: the event sequence with input_json_delta pieces of the tool input', async () => {
    const stream = await anthropic.messages.create({
      model: 'claude-x',
      max_tokens: 100,
      messages,
      ...forcedTool,
      stream: true,
    });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = [...new Set(events.map((e) => e.type))];
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({ message: { usage: { input_tokens: 40 } } });
    expect(events[1]).toMatchObject({
      content_block: { type: 'tool_use', name: 'review', input: {} },
    });
    const partial = events.flatMap((e) =>
      e.type === 'content_block_delta' && e.delta.type === 'input_json_delta'
        ? [e.delta.partial_json]
        : [],
    );
    expect(partial.filter(Boolean).length).toBeGreaterThan(5);
    expect(JSON.parse(partial.join(''))).toEqual(reply);
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { output_tokens: 20 },
    });
  });

  it('streams: text deltas for prose, pieces arrive before the reply ends, errors come before the stream', async () => {
    simulator.setScript(() => ({
      text: 'a reply in prose, long enough for several pieces',
      interrupt: { afterChunks: 2, then: 'stall' },
    }));
    const seen: string[] = [];
    const controller = new AbortController();
    const stream = await anthropic.messages.create(
      { model: 'claude-x', max_tokens: 100, messages, stream: true },
      { signal: controller.signal },
    );
    const reading = (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          seen.push(event.delta.text);
          if (seen.length === 2) controller.abort(); // the server stalls after two: they came first
        }
      }
    })();
    await reading; // the SDK ends an aborted stream quietly
    expect(seen).toEqual(['a reply ', 'in prose']);

    simulator.setScript(() => ({ error: 429, retryAfterSeconds: 1 }));
    const error = await openai.chat.completions
      .create({ model: 'gpt-x', messages, stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe('a simulator that keeps its latest calls', () => {
  const simulator = new LlmSimulator({ apiKey: 'sk-sim', keepCalls: 2 });
  let openai: OpenAI;

  beforeAll(async () => {
    openai = new OpenAI({
      apiKey: 'sk-sim',
      baseURL: `${await simulator.start()}/v1`,
      maxRetries: 0,
    });
  });
  afterAll(() => simulator.close());

  it('holds only the last keepCalls calls, oldest first, and still counts every call', async () => {
    for (const text of ['first', 'second', 'third']) {
      await openai.chat.completions.create({
        model: 'gpt-x',
        messages: [{ role: 'user', content: text }],
      });
    }
    expect(simulator.calls.map((c) => [c.prompt, c.sequence])).toEqual([
      ['second', 2],
      ['third', 3],
    ]);
  });
});
