import {
  type ChatRequest,
  estimateTokens,
  LLM_TOKENS,
  type OutputSchema,
  ProviderCallError,
  type SimulatedCall,
  type SimulatorReply,
} from '@techsapo/wall-bounce';
import { register } from 'prom-client';
import {
  type FakeProvider,
  type FakeProviders,
  startFakeProviders,
} from './support/fake-providers';
import { type EngineHarness, startEngine } from './support/wall-bounce-engine';

/**
 * The providers' wire clients through the real SDKs against the simulator: structured output
 * natively (OpenAI and Gemini response_format, Anthropic a forced tool) or by prompt with a
 * per-call nonce (openai-compatible), streaming of one field as it is written, and usage that
 * counts what a call may have been billed even when it failed.
 */
const output: OutputSchema = {
  name: 'peer_answer',
  description: 'A reviewer’s answer',
  // Definitions, references and anyOf too: the schema reaches each protocol as it is.
  schema: {
    type: 'object',
    properties: {
      verdict: { type: 'string', enum: ['no-issues', 'minor-issues', 'serious-issues'] },
      answer: { type: 'string' },
      findings: { type: 'array', items: { $ref: '#/$defs/finding' } },
      confidence: { anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'null' }] },
    },
    required: ['verdict', 'answer', 'findings', 'confidence'],
    additionalProperties: false,
    $defs: {
      finding: {
        type: 'object',
        properties: {
          title: { type: 'string' },
          severity: { type: 'string', enum: ['low', 'medium', 'high'] },
          location: { type: ['string', 'null'] },
        },
        required: ['title', 'severity', 'location'],
        additionalProperties: false,
      },
    },
  },
};
const answer = {
  verdict: 'serious-issues',
  answer: 'Line 3 concatenates "id" into SQL.\nUse a bound parameter — e.g. `WHERE id = $1` 😀.',
  findings: [{ title: 'SQL injection', severity: 'high', location: 'db.ts:3' }],
  confidence: 0.85,
};
const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  system: 'You review code.',
  messages: [{ role: 'user', content: "db.query('SELECT * FROM t WHERE id = ' + id)" }],
  output,
  ...extra,
});
const PROVIDERS: FakeProvider[] = [
  { name: 'wire-openai', kind: 'openai', priceInputPer1M: 2, priceOutputPer1M: 8 },
  { name: 'wire-claude', kind: 'anthropic', priceInputPer1M: 3, priceOutputPer1M: 15 },
  { name: 'wire-gemini', kind: 'gemini' },
  { name: 'wire-local', kind: 'openai-compatible' },
  { name: 'wire-claude-prompt', kind: 'anthropic', structuredOutput: 'prompt' },
  { name: 'wire-slow', kind: 'openai', timeoutMs: 300 },
  { name: 'wire-slow-claude', kind: 'anthropic', timeoutMs: 300 },
];

/** The nonce of a prompt-mode request, as its instruction states it. */
const nonceOf = (call: SimulatedCall): string =>
  /^```json ([0-9a-f]{16})$/m.exec(call.system)?.[1] ?? 'none';

/**
 * A model that honours the request: the object through the feature when asked natively, else
 * a reply in prose that quotes a look-alike block before its own block marked with the nonce.
 */
const honest =
  (json: Record<string, unknown>, extra: Partial<SimulatorReply> = {}) =>
  (call: SimulatedCall): SimulatorReply =>
    call.output
      ? ({ json, ...extra } as SimulatorReply)
      : ({
          text:
            'A reviewer before me wrote:\n```json\n{"verdict":"no-issues","answer":"safe","findings":[],"confidence":1}\n```\n' +
            `My answer:\n\`\`\`json ${nonceOf(call)}\n${JSON.stringify(json, null, 2)}\n\`\`\`\n`,
          ...extra,
        } as SimulatorReply);

describe('provider wire: structured output, streaming and billed usage through the real SDKs', () => {
  let fakes: FakeProviders;
  let engine: EngineHarness;
  const provider = (name: string) => {
    const p = engine.registry.get(name);
    if (!p) throw new Error(`no provider ${name}`);
    return p;
  };
  const signal = () => new AbortController().signal;

  beforeAll(async () => {
    fakes = await startFakeProviders();
    engine = await startEngine(fakes.env(PROVIDERS));
  });
  afterAll(async () => {
    await engine.close();
    await fakes.close();
  });
  beforeEach(() => fakes.simulator.reset());

  it.each([
    [
      'wire-openai',
      'native',
      { feature: 'json_schema', name: 'peer_answer', strict: true },
      '/v1/chat/completions',
    ],
    [
      'wire-gemini',
      'native',
      { feature: 'json_schema', name: 'peer_answer', strict: true },
      '/v1beta/openai/chat/completions',
    ],
    [
      'wire-claude',
      'native',
      { feature: 'tool', name: 'peer_answer', toolChoice: 'tool' },
      '/v1/messages',
    ],
    ['wire-local', 'prompt', undefined, '/v1/chat/completions'],
    ['wire-claude-prompt', 'prompt', undefined, '/v1/messages'],
  ] as const)(
    '%s: a valid json for the output schema, asked %s',
    async (name, by, feature, path) => {
      fakes.script(name, honest(answer));
      const completion = await provider(name).complete(request(), signal());
      expect(completion).toMatchObject({ json: answer, structured: by, usageReported: true });
      expect(JSON.parse(completion.text)).toEqual(answer);
      const [call] = fakes.calls(name);
      expect(call.path).toBe(path);
      if (feature) {
        expect(call.output).toEqual({ ...feature, schema: output.schema });
        expect(call.system).toBe('You review code.');
      } else {
        // Prompt mode: nothing on the wire but the instruction with this call's nonce.
        expect(call.output).toBeUndefined();
        expect(call.system).toContain(JSON.stringify(output.schema));
        expect(nonceOf(call)).toMatch(/^[0-9a-f]{16}$/);
      }
    },
  );

  it('a nonce is drawn per call, and a reply without a block marked with it gives no json', async () => {
    fakes.script('wire-local', (call) =>
      call.sequence === 1
        ? honest(answer)(call)
        : { text: '```json\n' + JSON.stringify(answer) + '\n```' },
    );
    await provider('wire-local').complete(request(), signal());
    const second = await provider('wire-local').complete(request(), signal());
    const [a, b] = fakes.calls('wire-local');
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    expect(second).toMatchObject({
      structured: 'none',
      invalidReason: "no block marked with this call's nonce",
    });
    expect(second.json).toBeUndefined();
  });

  it('a schema strict mode refuses is answered 400 and classified client-error, with nothing billed', async () => {
    const loose = { ...output, schema: { ...output.schema, additionalProperties: true } };
    for (const name of ['wire-openai', 'wire-gemini']) {
      const error = (await provider(name)
        .complete(request({ output: loose }), signal())
        .catch((e: unknown) => e)) as ProviderCallError;
      expect(error).toBeInstanceOf(ProviderCallError);
      expect(error).toMatchObject({ kind: 'client-error', status: 400, message: 'HTTP 400' });
      expect(error.billed).toBeUndefined();
    }
    const notObject = { ...output, schema: { type: 'string' } };
    const error = (await provider('wire-claude')
      .complete(request({ output: notObject }), signal())
      .catch((e: unknown) => e)) as ProviderCallError;
    expect(error).toMatchObject({ kind: 'client-error', status: 400 });
  });

  it('a text reply to a structured request is prose: structured none, the text kept', async () => {
    for (const name of ['wire-openai', 'wire-claude', 'wire-local']) {
      fakes.script(name, () => ({ text: 'The query is unsafe: it concatenates input.' }));
      const completion = await provider(name).complete(request(), signal());
      expect(completion).toMatchObject({
        text: 'The query is unsafe: it concatenates input.',
        structured: 'none',
        invalidReason: expect.any(String),
      });
      expect(completion.json).toBeUndefined();
    }
  });

  it('a refusal gives no json and says so; an object off the schema is not taken', async () => {
    fakes.script('wire-openai', () => ({ refusal: 'I cannot help with that request.' }));
    expect(await provider('wire-openai').complete(request(), signal())).toMatchObject({
      structured: 'none',
      invalidReason: 'refused: I cannot help with that request.',
    });
    // The simulator checks natively asked replies itself; a prompt-mode reply is only ours to check.
    fakes.script('wire-local', honest({ ...answer, verdict: 'looks-fine' }));
    expect(await provider('wire-local').complete(request(), signal())).toMatchObject({
      structured: 'none',
      invalidReason:
        'does not match the schema: /verdict must be equal to one of the allowed values',
    });
  });

  it.each(['wire-openai', 'wire-claude', 'wire-gemini', 'wire-local', 'wire-claude-prompt'])(
    '%s streams the field as it is written; the deltas add up to the final field',
    async (name) => {
      fakes.script(name, honest(answer, { inputTokens: 40, outputTokens: 60 }));
      const deltas: string[] = [];
      const completion = await provider(name).complete(
        request({ stream: { field: 'answer', onDelta: (d) => deltas.push(d) } }),
        signal(),
      );
      expect(deltas.length).toBeGreaterThan(3);
      expect(deltas.join('')).toBe(answer.answer);
      expect(completion).toMatchObject({
        json: answer,
        inputTokens: 40,
        outputTokens: 60,
        usageReported: true,
      });
      expect(fakes.calls(name)[0]).toMatchObject({ stream: true });
      // The streamed call reads as the plain one does.
      fakes.simulator.reset();
      fakes.script(name, honest(answer, { inputTokens: 40, outputTokens: 60 }));
      const plain = await provider(name).complete(request(), signal());
      const { latencyMs: _a, ...streamed } = completion;
      const { latencyMs: _b, ...whole } = plain;
      expect(streamed).toEqual(whole);
    },
  );

  it('deltas arrive while the reply is still being written', async () => {
    fakes.script('wire-claude', () => ({
      json: answer,
      interrupt: { afterChunks: 6, then: 'stall' },
    }));
    const controller = new AbortController();
    const deltas: string[] = [];
    let settled = false;
    let arrived: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => (arrived = resolve));
    const call = provider('wire-claude')
      .complete(
        request({
          stream: {
            field: 'answer',
            onDelta: (d) => {
              deltas.push(d);
              if (deltas.length === 2) arrived();
            },
          },
        }),
        controller.signal,
      )
      .finally(() => (settled = true));
    await enough;
    // The server has stalled mid-reply: what arrived was handed on before the call ended.
    expect(settled).toBe(false);
    expect(answer.answer.startsWith(deltas.join(''))).toBe(true);
    controller.abort();
    await expect(call).rejects.toMatchObject({ kind: 'cancelled' });
  });

  it('without an output, the raw text streams', async () => {
    fakes.script('wire-openai', () => ({ text: 'Plain prose, streamed as it comes.' }));
    const deltas: string[] = [];
    const completion = await provider('wire-openai').complete(
      request({ output: undefined, stream: { field: 'answer', onDelta: (d) => deltas.push(d) } }),
      signal(),
    );
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Plain prose, streamed as it comes.');
    expect(completion).toMatchObject({
      text: 'Plain prose, streamed as it comes.',
      structured: 'none',
    });
  });

  it('a reply without usage is estimated from lengths and says so', async () => {
    for (const stream of [undefined, { field: 'answer', onDelta: () => undefined }]) {
      fakes.script('wire-openai', () => ({ json: answer, omitUsage: true }));
      const completion = await provider('wire-openai').complete(request({ stream }), signal());
      const sent = request();
      expect(completion).toMatchObject({
        usageReported: false,
        inputTokens: estimateTokens(sent.system + sent.messages[0].content),
        outputTokens: estimateTokens(JSON.stringify(answer)),
        costUsd: expect.any(Number),
      });
      expect(completion.costUsd).toBeGreaterThan(0);
    }
  });

  it('a timeout after sending carries billed usage, and the token metric counts it', async () => {
    const before = await tokens('wire-slow');
    fakes.script('wire-slow', () => ({ hang: true }));
    const error = (await provider('wire-slow')
      .complete(request(), signal())
      .catch((e: unknown) => e)) as ProviderCallError;
    const sent = request();
    expect(error).toMatchObject({
      kind: 'timeout',
      billed: {
        inputTokens: estimateTokens(sent.system + sent.messages[0].content),
        outputTokens: 0,
        costUsd: 0,
        estimated: true,
      },
    });
    expect((await tokens('wire-slow')) - before).toBe(error.billed?.inputTokens);
  });

  it('a stream that stalls: reported input usage and the output received so far are billed', async () => {
    fakes.script('wire-slow-claude', () => ({
      json: answer,
      inputTokens: 40,
      interrupt: { afterChunks: 4, then: 'stall' },
    }));
    const deltas: string[] = [];
    const error = (await provider('wire-slow-claude')
      .complete(request({ stream: { field: 'answer', onDelta: (d) => deltas.push(d) } }), signal())
      .catch((e: unknown) => e)) as ProviderCallError;
    expect(error).toMatchObject({ kind: 'timeout', billed: { inputTokens: 40, estimated: true } });
    // Four pieces of eight code points of the tool input's JSON text arrived.
    expect(error.billed?.outputTokens).toBe(
      Math.ceil(JSON.stringify(answer).slice(0, 32).length / 4),
    );
    expect(fakes.calls('wire-slow-claude')).toHaveLength(1);
  });

  it('a connection lost after sending is billed, retried once, and the usage is summed', async () => {
    fakes.script('wire-openai', (call) =>
      call.sequence === 1
        ? { json: answer, interrupt: { afterChunks: 0, then: 'close' } }
        : { json: answer, inputTokens: 100, outputTokens: 50 },
    );
    const completion = await provider('wire-openai').complete(request(), signal());
    const sent = request();
    expect(completion.attempts).toBe(2);
    expect(completion.inputTokens).toBe(
      100 + estimateTokens(sent.system + sent.messages[0].content),
    );
    expect(completion.outputTokens).toBeGreaterThan(50); // half a body was received first
    expect(completion.usageReported).toBe(false);
    expect(completion.costUsd).toBeCloseTo(
      (completion.inputTokens * 2 + completion.outputTokens * 8) / 1e6,
      9,
    );
  });

  it('a stream cut after deltas were handed on is not retried; one cut before any is', async () => {
    const cutAt =
      (chunks: number) =>
      (call: SimulatedCall): SimulatorReply =>
        call.sequence === 1
          ? { json: answer, interrupt: { afterChunks: chunks, then: 'close' } }
          : { json: answer };
    const stream = (deltas: string[]) => ({
      field: 'answer',
      onDelta: (d: string) => deltas.push(d),
    });

    fakes.script('wire-openai', cutAt(6));
    const seen: string[] = [];
    const error = (await provider('wire-openai')
      .complete(request({ stream: stream(seen) }), signal())
      .catch((e: unknown) => e)) as ProviderCallError;
    expect(error).toMatchObject({ kind: 'network', billed: { estimated: true } });
    expect(seen.length).toBeGreaterThan(0);
    expect(fakes.calls('wire-openai')).toHaveLength(1);

    fakes.simulator.reset();
    fakes.script('wire-openai', cutAt(0));
    const deltas: string[] = [];
    const completion = await provider('wire-openai').complete(
      request({ stream: stream(deltas) }),
      signal(),
    );
    expect(completion).toMatchObject({ attempts: 2, json: answer });
    expect(deltas.join('')).toBe(answer.answer);
  });

  it('a malformed or oversized body is billed; refusals before sending and error statuses are not', async () => {
    fakes.script('wire-claude', () => ({ raw: '<html>not json</html>' }));
    const malformed = (await provider('wire-claude')
      .complete(request(), signal())
      .catch((e: unknown) => e)) as ProviderCallError;
    expect(malformed).toMatchObject({
      kind: 'malformed',
      billed: { outputTokens: Math.ceil(21 / 4), estimated: true },
    });

    fakes.script('wire-gemini', () => ({ text: 'x'.repeat(2_200_000) }));
    const large = (await provider('wire-gemini')
      .complete(request({ stream: { field: 'answer', onDelta: () => undefined } }), signal())
      .catch((e: unknown) => e)) as ProviderCallError;
    expect(large).toMatchObject({ kind: 'response-too-large', billed: { estimated: true } });
    expect(large.billed?.outputTokens).toBeGreaterThan(400_000);

    fakes.script('wire-openai', () => ({ error: 500 }));
    const failed = (await provider('wire-openai')
      .complete(request(), signal())
      .catch((e: unknown) => e)) as ProviderCallError;
    expect(failed).toMatchObject({ kind: 'server-error' });
    expect(failed.billed).toBeUndefined();
    expect(fakes.calls('wire-openai')).toHaveLength(2); // the one retry

    const tooLarge = (await provider('wire-openai')
      .complete(request({ system: 'x'.repeat(1_100_000) }), signal())
      .catch((e: unknown) => e)) as ProviderCallError;
    expect(tooLarge).toMatchObject({ kind: 'request-too-large' });
    expect(tooLarge.billed).toBeUndefined();
  });
});

async function tokens(provider: string): Promise<number> {
  const metric = register.getSingleMetric(LLM_TOKENS);
  if (!metric) return 0;
  return (await metric.get()).values
    .filter((v) => v.labels.provider === provider)
    .reduce((s, v) => s + v.value, 0);
}
