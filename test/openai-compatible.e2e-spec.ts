import OpenAI from 'openai';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth, issueApiKey, signIn } from './support/auth';
import { FakeProvider, FakeProviders, startFakeProviders } from './support/fake-providers';
import { listenOnLoopback, startTestApp, TestApp } from './support/test-app';
import { cooperative } from './support/wall-bounce-engine';

const PEERS: FakeProvider[] = [
  { name: 'peer-a', kind: 'openai', priceInputPer1M: 1, priceOutputPer1M: 2 },
  { name: 'peer-b', kind: 'anthropic', priceInputPer1M: 1, priceOutputPer1M: 2 },
  { name: 'peer-c', kind: 'gemini', priceInputPer1M: 1, priceOutputPer1M: 2 },
];
const FINAL = 'Set the key with SET key value EX 60: Redis removes it after sixty seconds.';
/** Every call: 100 tokens in, 50 out. */
const answer = cooperative(
  {
    'peer-a': 'Use SET key value EX 60 so that the entry expires after sixty seconds.',
    'peer-b': 'Set it with SET key value EX 60; Redis removes it after sixty seconds.',
    'peer-c': 'Store it with SET and EX 60, or call EXPIRE on the key afterwards.',
  },
  { answer: FINAL },
);
/** The client's schema for the response_format test. */
const VERDICT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['command', 'seconds', 'notes'],
  properties: {
    command: { type: 'string' },
    seconds: { type: 'integer' },
    notes: { type: 'array', items: { $ref: '#/$defs/note' } },
  },
  $defs: {
    note: {
      type: 'object',
      additionalProperties: false,
      required: ['text'],
      properties: { text: { type: 'string' } },
    },
  },
};

const marker = (): string => `m-${Math.random().toString(36).slice(2, 12)}`;

describe('OpenAI-compatible endpoint (the openai SDK over HTTP, real engine, fake providers)', () => {
  let t: TestApp;
  let fakes: FakeProviders;
  let baseURL: string;
  let key: { id: string; key: string };
  let openai: OpenAI;

  beforeAll(async () => {
    fakes = await startFakeProviders();
    for (const p of PEERS)
      fakes.script(p.name, (call) => {
        if (call.prompt.includes('ALL-FAIL')) return { error: 400, message: 'no' };
        const reply = answer(call);
        // peer-a breaks off while writing the final answer; the fallback peer-b writes it.
        if (
          call.prompt.includes('AGG-BREAK') &&
          call.model === 'peer-a' &&
          call.system.includes('task: aggregate')
        )
          return { ...reply, chunkDelayMs: 2, interrupt: { afterChunks: 8, then: 'close' } };
        const asked = call.output?.schema?.properties as
          Record<string, { type?: unknown }> | undefined;
        // An aggregator asked for an object answer writes one of the client's shape.
        if (asked?.answer?.type === 'object' && 'json' in reply)
          return {
            ...reply,
            json: {
              ...reply.json,
              answer: {
                command: 'SET key value EX 60',
                seconds: 60,
                notes: [{ text: 'or EXPIRE' }],
              },
            },
          };
        return { ...reply, chunkDelayMs: 2 };
      });
    t = await startTestApp(
      fakes.env(PEERS, {
        ROLE: 'all',
        WALL_BOUNCE_AGGREGATOR: 'peer-a',
        WALL_BOUNCE_FALLBACK_AGGREGATOR: 'peer-b',
        WALL_BOUNCE_PROFILES: JSON.stringify([
          {
            name: 'strict-pair',
            description: 'Two peers, and a confidence gate no answer can pass.',
            mode: 'parallel',
            peers: ['peer-a', 'peer-b'],
            aggregator: 'peer-b',
            gates: { minConfidence: 1, minConsensus: 0 },
          },
        ]),
      }),
    );
    baseURL = `${await listenOnLoopback(t)}/v1`;
    key = await issueApiKey(t, 'analyst');
    openai = new OpenAI({ baseURL, apiKey: key.key, maxRetries: 0 });
  });
  afterAll(async () => {
    await fakes?.close();
    await t?.close();
  });

  it('lists the built-in and the configured profiles as models', async () => {
    const models: OpenAI.Models.Model[] = [];
    for await (const model of openai.models.list()) models.push(model);
    expect(models.map((m) => m.id)).toEqual([
      'techsapo/parallel',
      'techsapo/sequential',
      'techsapo/council',
      'techsapo/strict-pair',
    ]);
    const council = await openai.models.retrieve('techsapo/council');
    expect(council).toMatchObject({
      id: 'techsapo/council',
      object: 'model',
      owned_by: 'techsapo',
    });
    const pair = models.find((m) => m.id === 'techsapo/strict-pair') as unknown as {
      techsapo: object;
    };
    expect(pair.techsapo).toMatchObject({
      mode: 'parallel',
      peers: ['peer-a', 'peer-b'],
      aggregator: 'peer-b',
      builtIn: false,
    });
  });

  it('answers a chat completion with the analysis: its answer, its real usage, the measured figures', async () => {
    const question = `How should a cache entry expire in Redis? ${marker()}`;
    const { data, response } = await openai.chat.completions
      .create({
        model: 'techsapo/parallel',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: question },
        ],
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('techsapo/parallel');
    expect(data.choices).toHaveLength(1);
    expect(data.choices[0]).toMatchObject({
      index: 0,
      finish_reason: 'stop',
      message: { role: 'assistant', content: FINAL },
    });
    const ext = (data as unknown as { techsapo: Record<string, unknown> }).techsapo;
    const id = ext.analysis_id as string;
    expect(response.headers.get('x-techsapo-analysis-id')).toBe(id);

    // The same analysis as the REST API shows it: same answer, figures and usage.
    const rest = await request(t.server)
      .get(`/api/v1/analyses/${id}`)
      .set({
        Authorization: `Bearer ${key.key}`,
      });
    expect(rest.status).toBe(200);
    const { result, usage } = rest.body;
    expect(result.answer).toBe(FINAL);
    expect(ext).toMatchObject({
      profile: 'techsapo/parallel',
      cached: false,
      degraded: result.degraded,
      consensus: { score: result.consensus.score, level: result.consensus.level },
      confidence: result.confidence,
      verdict: result.verdict,
      cost_usd: usage.costUsd,
    });
    expect(response.headers.get('x-techsapo-consensus')).toBe(String(result.consensus.score));
    expect(response.headers.get('x-techsapo-degraded')).toBe(String(result.degraded));
    // Three peers and the aggregator, 100 tokens in and 50 out each.
    expect(usage.calls).toBe(4);
    expect(data.usage).toEqual({
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
    });
    expect(data.usage?.prompt_tokens).toBe(400);

    // The peers saw the turns apart, each labelled with its role.
    const asked = fakes.calls('peer-c').find((c) => c.prompt.includes(question));
    expect(asked?.prompt).toBe(`[system]\nYou are terse.\n\n[user]\n${question}`);
  });

  it('carries the degraded marker: the extension, the header and a visible note', async () => {
    const before = fakes.calls('peer-c').length;
    const { data, response } = await openai.chat.completions
      .create({
        model: 'techsapo/strict-pair',
        messages: [{ role: 'user', content: `Expire a Redis key? ${marker()}` }],
      })
      .withResponse();
    const ext = (data as unknown as { techsapo: { degraded: boolean; degraded_reasons: string[] } })
      .techsapo;
    expect(ext.degraded).toBe(true);
    expect(ext.degraded_reasons.some((r) => /^confidence .* is below 1$/.test(r))).toBe(true);
    expect(response.headers.get('x-techsapo-degraded')).toBe('true');
    const content = data.choices[0].message.content as string;
    expect(content.startsWith(FINAL)).toBe(true);
    expect(content).toMatch(
      /\[TechSapo: degraded result — confidence .* is below 1\. Measured consensus/,
    );
    // The profile's peers only: peer-c was not asked.
    expect(fakes.calls('peer-c').length).toBe(before);
  });

  it('streams the aggregator’s answer as chunks, then the figures, the usage and [DONE]', async () => {
    const stream = await openai.chat.completions.create({
      model: 'techsapo/council',
      messages: [{ role: 'user', content: `Stream it: expire a key? ${marker()}` }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const pieces = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? ''));
    expect(pieces.filter(Boolean).length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(FINAL);
    const last = chunks.find((c) => c.choices[0]?.finish_reason === 'stop') as unknown as {
      techsapo: { analysis_id: string; consensus: { score: number } };
    };
    expect(last.techsapo.analysis_id).toMatch(/.+/);
    const usageChunk = chunks[chunks.length - 1];
    expect(usageChunk.choices).toEqual([]);
    const rest = await request(t.server)
      .get(`/api/v1/analyses/${last.techsapo.analysis_id}`)
      .set({ Authorization: `Bearer ${key.key}` });
    expect(rest.body.mode).toBe('council');
    expect(usageChunk.usage?.prompt_tokens).toBe(rest.body.usage.inputTokens);
    expect(last.techsapo.consensus.score).toBe(rest.body.result.consensus.score);
  });

  it('says so in the stream when a fallback aggregator starts over, and marks the result degraded', async () => {
    const stream = await openai.chat.completions.create({
      model: 'techsapo/parallel',
      messages: [{ role: 'user', content: `AGG-BREAK expire a key? ${marker()}` }],
      stream: true,
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    const [before, after] = text.split(
      '\n\n[TechSapo: aggregator peer-a failed while writing; peer-b writes the answer instead.]\n\n',
    );
    expect(FINAL.startsWith(before) && before.length > 0).toBe(true);
    expect(after.startsWith(`${FINAL}\n\n---\n[TechSapo: degraded result — `)).toBe(true);
    expect(after).toMatch(/fallback aggregator peer-b wrote the answer/);
    const last = chunks.find((c) => c.choices[0]?.finish_reason === 'stop') as unknown as {
      techsapo: { degraded: boolean };
    };
    expect(last.techsapo.degraded).toBe(true);
  });

  it('streams an answer from cache whole, at no cost', async () => {
    const ask = async () => {
      const stream = await openai.chat.completions.create({
        model: 'techsapo/parallel',
        messages: [{ role: 'user', content: 'Ask twice: expire a key?' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const c of stream) chunks.push(c);
      return chunks;
    };
    await ask();
    const again = await ask();
    const text = again.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(FINAL);
    const last = again.find((c) => c.choices[0]?.finish_reason === 'stop') as unknown as {
      techsapo: { cached: boolean; cost_usd: number };
    };
    expect(last.techsapo).toMatchObject({ cached: true, cost_usd: 0 });
    expect(again[again.length - 1].usage).toEqual({
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
    });
  });

  it('answers a failed analysis as an error, streamed or not, and tells the SDK not to retry', async () => {
    const body = {
      model: 'techsapo/parallel',
      messages: [{ role: 'user' as const, content: `ALL-FAIL ${marker()}` }],
    };
    const failed = await openai.chat.completions.create(body).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failed).toMatchObject({
      status: 503,
      code: 'insufficient_providers',
      type: 'server_error',
    });
    const headers = (failed as InstanceType<typeof OpenAI.APIError>).headers;
    expect(headers?.get('x-should-retry')).toBe('false');
    expect(headers?.get('x-techsapo-analysis-id')).toMatch(/.+/);

    const stream = await openai.chat.completions.create({
      ...body,
      messages: [{ role: 'user', content: `ALL-FAIL ${marker()}` }],
      stream: true,
    });
    const seen: string[] = [];
    const broken = await (async () => {
      for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(OpenAI.APIError);
    expect(broken).toMatchObject({ code: 'insufficient_providers' });
    expect(seen).toEqual(['']);
  });

  it('sends progress as SSE comments and ends the raw stream with [DONE]', async () => {
    const res = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        model: 'techsapo/parallel',
        stream: true,
        messages: [{ role: 'user', content: `Raw stream ${marker()}` }],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-techsapo-analysis-id')).toMatch(/.+/);
    const text = await res.text();
    expect(text).toMatch(/^: provider_started peer-a peer$/m);
    expect(text).toMatch(/^: aggregating peer-a$/m);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('honours response_format json_schema on the final answer', async () => {
    const completion = await openai.chat.completions.create({
      model: 'techsapo/parallel',
      messages: [{ role: 'user', content: `How do I expire a key? ${marker()}` }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'expiry', schema: VERDICT_SCHEMA, strict: true },
      },
    });
    const content = completion.choices[0].message.content as string;
    expect(JSON.parse(content)).toEqual({
      command: 'SET key value EX 60',
      seconds: 60,
      notes: [{ text: 'or EXPIRE' }],
    });
    // The aggregator was asked for the client's shape as its answer, definitions at the root.
    const aggregation = fakes
      .calls('peer-a')
      .filter((c) => c.system.includes('task: aggregate'))
      .pop();
    const schema = aggregation?.output?.schema as {
      properties: { answer: object };
      $defs: object;
    };
    expect(schema.properties.answer).toMatchObject({ required: ['command', 'seconds', 'notes'] });
    expect(schema.$defs).toEqual(VERDICT_SCHEMA.$defs);
  });

  it('refuses what an analysis cannot do with 400 in OpenAI’s error shape', async () => {
    const ask = (body: Partial<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming>) =>
      openai.chat.completions.create({
        model: 'techsapo/parallel',
        messages: [{ role: 'user', content: 'What is TTL?' }],
        ...body,
      });
    const refused = async (
      body: Partial<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming>,
    ): Promise<InstanceType<typeof OpenAI.BadRequestError>> => {
      const error = await ask(body).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      return error as InstanceType<typeof OpenAI.BadRequestError>;
    };
    const image = await refused({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in it?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
      ],
    });
    expect(image).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'messages.0.content.1',
      code: 'validation_failed',
    });
    expect(image.message).toMatch(/image_url parts are not supported/);
    const tool = await refused({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    });
    expect(tool.param).toBe('messages.1.role');
    const tools = await refused({
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    expect(tools.param).toBe('tools');
    const jsonObject = await refused({ response_format: { type: 'json_object' } });
    expect(jsonObject.param).toBe('response_format.type');
    const loose = await refused({
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'loose',
          schema: { type: 'object', properties: { a: { type: 'string' } } },
        },
      },
    });
    expect(loose.param).toBe('response_format.json_schema.schema');
    expect(loose.message).toMatch(/additionalProperties/);
    const invalid = await refused({ messages: [] });
    expect(invalid.param).toBe('messages');

    // Refused before any route runs (the body parser, the router): the same shape.
    const auth = { Authorization: `Bearer ${key.key}` };
    const malformed = await request(t.server)
      .post('/v1/chat/completions')
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"model":');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/json/);
    expect(malformed.body.error).toMatchObject({ type: 'invalid_request_error', param: null });
    const embeddings = await request(t.server)
      .post('/v1/embeddings')
      .set(auth)
      .send({ model: 'x', input: 'y' });
    expect(embeddings.status).toBe(404);
    expect(embeddings.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'not_found',
    });
  });

  it('answers an unknown model 404 and a bad key 401, both in OpenAI’s error shape', async () => {
    const missing = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({
      status: 404,
      code: 'model_not_found',
      param: 'model',
      type: 'invalid_request_error',
    });
    expect((missing as Error).message).toMatch(/techsapo\/parallel/);
    await expect(openai.models.retrieve('techsapo/nope')).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );

    const stranger = new OpenAI({ baseURL, apiKey: 'tsk_not-a-real-key', maxRetries: 0 });
    const denied = await stranger.chat.completions
      .create({ model: 'techsapo/parallel', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(denied).toMatchObject({ status: 401, code: 'invalid_api_key' });
    const raw = await request(t.server).get('/v1/models').set('Authorization', 'Bearer tsk_nope');
    expect(raw.status).toBe(401);
    expect(raw.headers['content-type']).toMatch(/^application\/json/);
    expect(raw.body.error).toEqual({
      message: expect.any(String),
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });
    // Refusals are audited like any other.
    const entries = await auditEntries(t);
    expect(entries.some((e) => e.request?.path === '/v1/models' && e.outcome?.status === 401)).toBe(
      true,
    );
  });

  it('accepts a login JWT too, and refuses a spent budget with 429 insufficient_quota', async () => {
    const user = await signIn(t, 'analyst');
    const asUser = new OpenAI({ baseURL, apiKey: user.token, maxRetries: 0 });
    const ok = await asUser.chat.completions.create({
      model: 'techsapo/parallel',
      messages: [{ role: 'user', content: `With a JWT ${marker()}` }],
    });
    expect(ok.choices[0].message.content).toBe(FINAL);
    const set = await request(t.server)
      .put(`/api/v1/admin/budgets/users/${user.userId}`)
      .set(await adminAuth(t))
      .send({ dailyUsd: 0 });
    expect(set.status).toBe(200);
    const spent = await asUser.chat.completions
      .create({
        model: 'techsapo/parallel',
        messages: [{ role: 'user', content: `more ${marker()}` }],
      })
      .catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(OpenAI.RateLimitError);
    expect(spent).toMatchObject({
      status: 429,
      code: 'insufficient_quota',
      type: 'insufficient_quota',
    });
    const headers = (spent as InstanceType<typeof OpenAI.RateLimitError>).headers;
    expect(headers?.get('retry-after')).toMatch(/^\d+$/);
    expect(headers?.get('x-should-retry')).toBe('false');
  });
});
