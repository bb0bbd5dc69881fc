import { schemaMismatch } from '../providers/structured/schema-validator';
import { developmentScript } from './development-script';
import { requestedOutput } from './requested-output';
import { sampleFromSchema } from './sample-from-schema';
import { strictSchemaProblem } from './strict-schema';
import { cutIntoPieces } from './stream-frames';

const finding = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    severity: { type: 'string', enum: ['info', 'low', 'medium', 'high', 'critical'] },
    location: { type: ['string', 'null'] },
  },
  required: ['title', 'severity', 'location'],
  additionalProperties: false,
};
const peerAnswer = {
  type: 'object',
  properties: {
    verdict: {
      type: 'string',
      enum: ['no-issues', 'minor-issues', 'serious-issues', 'cannot-tell'],
    },
    answer: { type: 'string' },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    findings: { type: 'array', items: finding },
  },
  required: ['verdict', 'answer', 'confidence', 'findings'],
  additionalProperties: false,
};
/** Definitions, recursion through arrays and anyOf, formats and nullable numbers. */
const tree = {
  type: 'object',
  properties: {
    root: { $ref: '#/$defs/node' },
    when: { type: 'string', format: 'date-time' },
    value: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'null' }] },
  },
  required: ['root', 'when', 'value'],
  additionalProperties: false,
  $defs: {
    node: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        children: { type: 'array', items: { $ref: '#/$defs/node' } },
        next: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'null' }] },
      },
      required: ['name', 'children', 'next'],
      additionalProperties: false,
    },
  },
};
const prefix = "Invalid schema for response_format 'peer': ";

describe('OpenAI strict-mode schema check', () => {
  it('accepts the supported subset: nested objects, nullable types, enums, anyOf, $defs and recursion', () => {
    expect(strictSchemaProblem('peer', peerAnswer)).toBeUndefined();
    expect(strictSchemaProblem('tree', tree)).toBeUndefined();
  });

  it.each([
    [
      'a root that is not an object',
      { type: 'array', items: { type: 'string' } },
      `schema must be a JSON Schema of 'type: "object"', got 'type: "array"'.`,
    ],
    ['an anyOf root', { anyOf: [peerAnswer] }, "schema must not be of type 'anyOf' at the root."],
    [
      'a missing additionalProperties',
      { ...peerAnswer, additionalProperties: undefined },
      "In context=(), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      'a property left out of required',
      { ...peerAnswer, required: ['verdict', 'answer', 'confidence'] },
      "In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'findings'.",
    ],
    [
      'a nested object without additionalProperties: false',
      {
        ...peerAnswer,
        properties: {
          ...peerAnswer.properties,
          findings: { type: 'array', items: { ...finding, additionalProperties: true } },
        },
      },
      "In context=('properties', 'findings', 'items'), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      'an unsupported keyword',
      {
        ...peerAnswer,
        properties: { ...peerAnswer.properties, answer: { type: 'string', minLength: 1 } },
      },
      "In context=('properties', 'answer'), 'minLength' is not permitted.",
    ],
    [
      'allOf',
      {
        ...peerAnswer,
        properties: { ...peerAnswer.properties, answer: { allOf: [{ type: 'string' }] } },
      },
      "In context=('properties', 'answer'), 'allOf' is not permitted.",
    ],
    [
      'an unsupported format',
      {
        ...peerAnswer,
        properties: { ...peerAnswer.properties, answer: { type: 'string', format: 'uri' } },
      },
      "In context=('properties', 'answer'), format 'uri' is not supported.",
    ],
    [
      'a dangling $ref',
      {
        ...peerAnswer,
        properties: { ...peerAnswer.properties, answer: { $ref: '#/$defs/nowhere' } },
      },
      "In context=('properties', 'answer'), reference to component '#/$defs/nowhere' which was not found in the schema.",
    ],
  ])('refuses %s', (_what, schema, message) => {
    expect(strictSchemaProblem('peer', schema)).toBe(prefix + message);
  });

  it('refuses more than 10 levels of nesting and more than 1000 enum values', () => {
    let deep: Record<string, unknown> = {
      type: 'object',
      properties: {},
      required: [],
      additionalProperties: false,
    };
    for (let i = 0; i < 10; i += 1) {
      deep = {
        type: 'object',
        properties: { x: deep },
        required: ['x'],
        additionalProperties: false,
      };
    }
    expect(strictSchemaProblem('peer', deep)).toBe(
      `${prefix}11 levels of nesting exceeds limit of 10.`,
    );
    const many = {
      type: 'object',
      properties: { a: { type: 'string', enum: Array.from({ length: 1001 }, (_, i) => `v${i}`) } },
      required: ['a'],
      additionalProperties: false,
    };
    expect(strictSchemaProblem('peer', many)).toBe(
      `${prefix}1001 enum values exceed the limit of 1000.`,
    );
  });
});

describe('structured output asked over the wire', () => {
  const format = (json_schema: Record<string, unknown>) => ({
    response_format: { type: 'json_schema', json_schema },
  });

  it('OpenAI: json_schema (strict checked), json_object, text and absent', () => {
    expect(
      requestedOutput('openai', format({ name: 'peer', schema: peerAnswer, strict: true })),
    ).toEqual({
      output: { feature: 'json_schema', name: 'peer', schema: peerAnswer, strict: true },
    });
    expect(requestedOutput('openai', { response_format: { type: 'json_object' } })).toEqual({
      output: { feature: 'json_object' },
    });
    expect(requestedOutput('openai', { response_format: { type: 'text' } })).toEqual({});
    expect(requestedOutput('openai', {})).toEqual({});
    // Without strict, the subset is not enforced.
    expect(
      requestedOutput('openai', format({ name: 'loose', schema: { type: 'object' } })),
    ).toMatchObject({ output: { strict: false } });
    expect(
      requestedOutput('openai', format({ name: 'bad name!', schema: peerAnswer, strict: true })),
    ).toEqual({
      problem: {
        message:
          "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
        param: 'response_format.json_schema.name',
        code: 'invalid_value',
      },
    });
    expect(
      requestedOutput('openai', format({ name: 'x'.repeat(65), schema: peerAnswer })),
    ).toMatchObject({ problem: { code: 'string_above_max_length' } });
    expect(
      requestedOutput('openai', format({ name: 'peer', schema: { type: 'object' }, strict: true })),
    ).toMatchObject({
      problem: {
        param: 'response_format',
        message: `${prefix}In context=(), 'additionalProperties' is required to be supplied and to be false.`,
      },
    });
    expect(requestedOutput('openai', { response_format: { type: 'yaml' } })).toMatchObject({
      problem: { param: 'response_format.type' },
    });
  });

  it('Anthropic: the tool a tool_choice forces, auto and any take the first, none asks nothing', () => {
    const tools = [
      { name: 'other', description: 'x', input_schema: { type: 'object', properties: {} } },
      { name: 'peer', description: 'y', input_schema: peerAnswer },
    ];
    expect(
      requestedOutput('anthropic', { tools, tool_choice: { type: 'tool', name: 'peer' } }),
    ).toEqual({
      output: { feature: 'tool', name: 'peer', schema: peerAnswer, toolChoice: 'tool' },
    });
    expect(requestedOutput('anthropic', { tools })).toMatchObject({
      output: { name: 'other', toolChoice: 'auto' },
    });
    expect(requestedOutput('anthropic', { tools, tool_choice: { type: 'any' } })).toMatchObject({
      output: { name: 'other', toolChoice: 'any' },
    });
    expect(requestedOutput('anthropic', { tools, tool_choice: { type: 'none' } })).toEqual({});
    expect(requestedOutput('anthropic', {})).toEqual({});
  });

  it.each([
    [
      'a tool_choice naming no tool',
      {
        tools: [{ name: 'a', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'b' },
      },
      "tool_choice.tool.name: Tool 'b' not found in provided tools",
    ],
    [
      'a tool_choice without tools',
      { tool_choice: { type: 'auto' } },
      'tool_choice: tool_choice may only be specified while providing tools.',
    ],
    ['tools that are not a list', { tools: { name: 'a' } }, 'tools: Input should be a valid list'],
    [
      'a tool without input_schema',
      { tools: [{ name: 'a' }] },
      'tools.0.custom.input_schema: Field required',
    ],
    [
      'a bad tool name',
      { tools: [{ name: 'a b', input_schema: { type: 'object' } }] },
      "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'",
    ],
    [
      'two tools of one name',
      {
        tools: [
          { name: 'a', input_schema: { type: 'object' } },
          { name: 'a', input_schema: { type: 'object' } },
        ],
      },
      'tools: Tool names must be unique.',
    ],
    [
      'an input schema that is not an object',
      { tools: [{ name: 'a', input_schema: { type: 'string' } }] },
      "tools.0.custom.input_schema.type: Input should be 'object'",
    ],
    [
      'an unknown tool_choice',
      { tools: [{ name: 'a', input_schema: { type: 'object' } }], tool_choice: { type: 'some' } },
      "tool_choice: Input tag 'some' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'",
    ],
  ])('Anthropic refuses %s', (_what, body, message) => {
    expect(requestedOutput('anthropic', body)).toEqual({ problem: { message } });
  });
});

describe('the schema-driven sample generator', () => {
  const source = {
    text: (path: string[]) => `[SIMULATED m] ${path.join('.')}`,
    unit: () => 0.5,
  };

  it.each([
    ['a peer answer', peerAnswer],
    [
      'a judgement with nullable and bounded fields',
      {
        type: 'object',
        properties: {
          answer: { type: 'string' },
          agreement: { type: 'number', minimum: 0, maximum: 1 },
          score: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 },
          step: { type: 'number', minimum: 0, maximum: 1, multipleOf: 0.25 },
          verdict: { type: ['string', 'null'], enum: [null, 'agree', 'disagree'] },
          note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
          dissent: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 3 },
          none: { type: 'array', items: { type: 'string' }, maxItems: 0 },
          flag: { type: 'boolean' },
          when: { type: 'string', format: 'date-time' },
          id: { type: 'string', format: 'uuid' },
          fixed: { const: 'v1' },
        },
        required: [
          'answer',
          'agreement',
          'score',
          'step',
          'verdict',
          'note',
          'dissent',
          'none',
          'flag',
          'when',
          'id',
          'fixed',
        ],
        additionalProperties: false,
      },
    ],
    ['a recursive tree', tree],
  ])('draws a valid object for %s', (_what, schema) => {
    const value = sampleFromSchema(schema, source);
    expect(schemaMismatch(schema, value)).toBeUndefined();
  });

  it('picks sensible members: the first enum value, non-null types, strings from the caller', () => {
    expect(sampleFromSchema(peerAnswer, source)).toEqual({
      verdict: 'no-issues',
      answer: '[SIMULATED m] answer',
      confidence: expect.any(Number),
      findings: [
        {
          title: '[SIMULATED m] findings.0.title',
          severity: 'info',
          location: '[SIMULATED m] findings.0.location',
        },
      ],
    });
  });
});

describe('the development script', () => {
  const call = {
    protocol: 'openai' as const,
    path: '/v1/chat/completions',
    model: 'sim-gpt-a',
    system: 'You answer.',
    messages: [{ role: 'user', content: 'Is this query safe?' }],
    prompt: 'Is this query safe?',
    sequence: 1,
    bodyBytes: 100,
    stream: false,
    streamUsage: false,
  };

  it('answers a structured request with a marked object of its schema, the same each time', () => {
    const asked = {
      ...call,
      output: { feature: 'json_schema' as const, name: 'peer', schema: peerAnswer, strict: true },
    };
    const reply = developmentScript(asked) as { json: Record<string, unknown> };
    expect(schemaMismatch(peerAnswer, reply.json)).toBeUndefined();
    expect(reply.json.answer).toBe(
      '[SIMULATED sim-gpt-a] Simulated answer for: "Is this query safe?".',
    );
    expect(developmentScript(asked)).toEqual(reply);
  });

  it('keeps prose for a request without a schema', () => {
    expect(developmentScript(call)).toEqual({
      text: expect.stringMatching(/^\[SIMULATED sim-gpt-a\] Simulated answer to/),
    });
  });
});

describe('stream pieces', () => {
  it('cuts by code points, never inside a surrogate pair', () => {
    const text = 'ab😀cd😀ef😀gh😀';
    for (const size of [1, 2, 3, 8]) {
      const pieces = cutIntoPieces(text, size);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces) expect(piece).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });
});
