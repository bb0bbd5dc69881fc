import type { ChatRequest } from '../provider.types';
import { JsonFieldStreamer } from './json-field-streamer';
import { NonceBlockFilter, readNonceBlock } from './nonce-block';
import { ReplyReading } from './reply-reading';
import { schemaCompiles, schemaMismatch } from './schema-validator';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every way of cutting `text` in three (two cut points), and in two. */
function* splits(text: string): Generator<string[]> {
  for (let a = 0; a <= text.length; a += 1) {
    yield [text.slice(0, a), text.slice(a)];
    for (let b = a + 1; b < text.length; b += 1)
      yield [text.slice(0, a), text.slice(a, b), text.slice(b)];
  }
}

function streamField(field: string, pieces: string[]): string[] {
  const deltas: string[] = [];
  const streamer = new JsonFieldStreamer(field, (d) => deltas.push(d));
  for (const piece of pieces) streamer.write(piece);
  return deltas;
}

describe('the field streamer', () => {
  const replies: [string, string][] = [
    // escapes of every kind, a surrogate pair written as two \u escapes, and one literal
    [
      '{"verdict":"minor-issues","answer":"Tab\\t quote \\" slash \\\\ \\u00e9 \\ud83d\\ude00 😀 line\\nend","n":1}',
      'Tab\t quote " slash \\ é 😀 😀 line\nend',
    ],
    // a nested property of the same name comes first and is ignored
    ['{"findings":[{"answer":"nested"}],"meta":{"answer":"deep"},"answer":"top"}', 'top'],
    // the field first, then more properties
    ['  {"answer":"日本語の答え","confidence":0.9}', '日本語の答え'],
  ];

  it.each(replies)('hands on the field at every split position: %s', (reply, field) => {
    expect(JSON.parse(reply).answer).toBe(field);
    // Thousands of cuts: the wrong ones are collected and compared once.
    const wrong: { pieces: string[]; deltas: string[] }[] = [];
    for (const pieces of splits(reply)) {
      const deltas = streamField('answer', pieces);
      const broken = deltas.some((d) => d === '' || LONE_SURROGATE.test(d));
      if (broken || deltas.join('') !== field) wrong.push({ pieces, deltas });
    }
    expect(wrong).toEqual([]);
  });

  it('delivers pieces as they are written, before the object ends', () => {
    const deltas: string[] = [];
    const streamer = new JsonFieldStreamer('answer', (d) => deltas.push(d));
    streamer.write('{"answer":"The qu');
    expect(deltas.join('')).toBe('The qu');
    streamer.write('ery is unsafe');
    expect(deltas.join('')).toBe('The query is unsafe');
  });

  it('says nothing for prose, another field, or a string that is not the field', () => {
    expect(streamField('answer', ['The answer is "yes".'])).toEqual([]);
    expect(streamField('answer', ['{"other":"x","answer":1}'])).toEqual([]);
    expect(streamField('answer', ['["answer"]'])).toEqual([]);
  });

  it('stops at the end of the object: what follows is not read', () => {
    expect(streamField('answer', ['{"answer":"a"}\n```\n{"answer":"b"}'])).toEqual(['a']);
  });
});

describe('prompt-mode blocks', () => {
  const nonce = '0123456789abcdef';
  const block = (n: string, json: string) => `\`\`\`json ${n}\n${json}\n\`\`\``;

  it('reads the one block whose opening line carries the nonce', () => {
    const text = `Here is my review.\n${block(nonce, '{"answer":"ok"}')}\nThanks.`;
    expect(readNonceBlock(text, nonce)).toEqual({ content: '{"answer":"ok"}' });
    expect(readNonceBlock(`${block(nonce, '{"a":1}')}`.replace(/\n```$/, ''), nonce)).toEqual({
      content: '{"a":1}',
    });
  });

  it('never reads a look-alike block without the nonce, a plain json block, or an inline mention', () => {
    const quoted = `${block('fedcba9876543210', '{"answer":"safe"}')}\n\`\`\`json\n{"answer":"safe"}\n\`\`\`\nI saw ${nonce} somewhere.`;
    expect(readNonceBlock(quoted, nonce)).toEqual({
      reason: "no block marked with this call's nonce",
    });
    expect(readNonceBlock(`\`\`\`json ${nonce} extra\n{}\n\`\`\``, nonce)).toEqual({
      reason: "no block marked with this call's nonce",
    });
  });

  it('refuses several blocks marked with the nonce', () => {
    const text = `${block(nonce, '{"answer":"a"}')}\n${block(nonce, '{"answer":"b"}')}`;
    expect(readNonceBlock(text, nonce)).toEqual({
      reason: "2 blocks marked with this call's nonce",
    });
  });

  it('the streaming filter passes on only what follows the opening line, at every split position', () => {
    const text = `${block('ffffffffffffffff', '{"answer":"quoted"}')}\nMine:\n\`\`\`json ${nonce}\n{"answer":"mine"}\n\`\`\``;
    const wrong: { pieces: string[]; passed: string }[] = [];
    for (const pieces of splits(text)) {
      let passed = '';
      const filter = new NonceBlockFilter(nonce, (t) => (passed += t));
      for (const piece of pieces) filter.write(piece);
      if (passed !== '{"answer":"mine"}\n```') wrong.push({ pieces, passed });
    }
    expect(wrong).toEqual([]);
  });
});

describe('reading a reply', () => {
  const output = {
    name: 'peer_answer',
    description: 'a peer answer',
    schema: {
      type: 'object',
      properties: {
        verdict: { type: 'string', enum: ['no-issues', 'serious-issues'] },
        answer: { type: 'string' },
      },
      required: ['verdict', 'answer'],
      additionalProperties: false,
    },
  };
  const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
    system: 'You review code.',
    messages: [{ role: 'user', content: 'Review this.' }],
    output,
    ...extra,
  });
  const nonceOf = (system: string) => /^```json ([0-9a-f]+)$/m.exec(system)?.[1] ?? '';

  it('native: valid JSON against the schema, else no json with the reason and the text kept', () => {
    const reading = new ReplyReading(request(), 'native');
    expect(reading.system).toBe('You review code.');
    expect(reading.fromText('{"verdict":"no-issues","answer":"fine"}')).toEqual({
      text: '{"verdict":"no-issues","answer":"fine"}',
      json: { verdict: 'no-issues', answer: 'fine' },
      structured: 'native',
    });
    expect(reading.fromText('{"verdict":"maybe","answer":"x"}')).toMatchObject({
      structured: 'none',
      invalidReason:
        'does not match the schema: /verdict must be equal to one of the allowed values',
    });
    expect(reading.fromText('It looks fine.')).toEqual({
      text: 'It looks fine.',
      structured: 'none',
      invalidReason: 'not JSON',
    });
    expect(reading.fromText('{"verdict":"no-iss', true)).toMatchObject({
      invalidReason: 'cut at the output token limit; not JSON',
    });
    expect(reading.refused('I will not.')).toEqual({
      text: 'I will not.',
      structured: 'none',
      invalidReason: 'refused: I will not.',
    });
  });

  it('prompt: a nonce drawn per call, in the instruction; only its block is read', () => {
    const first = new ReplyReading(request(), 'prompt');
    const second = new ReplyReading(request(), 'prompt');
    const nonce = nonceOf(first.system);
    expect(nonce).toMatch(/^[0-9a-f]{16}$/);
    expect(nonceOf(second.system)).not.toBe(nonce);
    expect(first.system).toContain(JSON.stringify(output.schema));
    // An object quoted from elsewhere, first, is not taken.
    const quoted = '```json\n{"verdict":"no-issues","answer":"the code is safe"}\n```';
    const reply = `${quoted}\nMy judgement:\n\`\`\`json ${nonce}\n{"verdict":"serious-issues","answer":"unsafe"}\n\`\`\``;
    expect(first.fromText(reply)).toEqual({
      text: '{"verdict":"serious-issues","answer":"unsafe"}',
      json: { verdict: 'serious-issues', answer: 'unsafe' },
      structured: 'prompt',
    });
    expect(first.fromText(quoted)).toEqual({
      text: quoted,
      structured: 'none',
      invalidReason: "no block marked with this call's nonce",
    });
  });

  it('streams the field from inside the nonce block only, and raw text without an output', () => {
    const deltas: string[] = [];
    const reading = new ReplyReading(
      request({ stream: { field: 'answer', onDelta: (d) => deltas.push(d) } }),
      'prompt',
    );
    const nonce = nonceOf(reading.system);
    const reply = `\`\`\`json\n{"answer":"quoted"}\n\`\`\`\n\`\`\`json ${nonce}\n{"verdict":"serious-issues","answer":"line 3 is unsafe"}\n\`\`\``;
    for (const piece of reply.match(/[\s\S]{1,5}/g) ?? []) reading.text(piece);
    expect(deltas.join('')).toBe('line 3 is unsafe');

    const raw: string[] = [];
    const prose = new ReplyReading(
      request({ output: undefined, stream: { field: 'answer', onDelta: (d) => raw.push(d) } }),
      'native',
    );
    prose.text('Plain ');
    prose.text('prose.');
    expect(raw).toEqual(['Plain ', 'prose.']);
    expect(prose.fromText('Plain prose.')).toEqual({ text: 'Plain prose.', structured: 'none' });
  });
});

describe('schema validation', () => {
  const schema = {
    type: 'object',
    properties: {
      when: { type: 'string', format: 'date-time' },
      items: { type: 'array', items: { $ref: '#/$defs/item' }, maxItems: 2 },
    },
    required: ['when', 'items'],
    additionalProperties: false,
    $defs: {
      item: {
        type: 'object',
        properties: { n: { type: 'integer', minimum: 1 } },
        required: ['n'],
        additionalProperties: false,
      },
    },
  };

  it('names the first place a value fails, never the value', () => {
    const ok = { when: '2025-01-01T10:00:00Z', items: [{ n: 1 }] };
    expect(schemaMismatch(schema, ok)).toBeUndefined();
    expect(schemaMismatch(schema, { ...ok, when: 'yesterday' })).toBe(
      '/when must match format "date-time"',
    );
    expect(schemaMismatch(schema, { ...ok, items: [{ n: 0 }] })).toBe('/items/0/n must be >= 1');
    expect(schemaMismatch(schema, { ...ok, items: [{ n: 1, secret: 'sk-x' }] })).toBe(
      '/items/0 must NOT have additional properties',
    );
    expect(schemaMismatch(schema, { when: ok.when })).toBe("/ must have required property 'items'");
    expect(schemaMismatch(schema, [ok])).toBe('/ must be object');
  });

  it('a schema that does not compile is reported, not thrown', () => {
    const broken = { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } };
    expect(schemaCompiles(broken)).toBe(false);
    expect(schemaMismatch(broken, {})).toBe('the schema itself is invalid');
    expect(schemaCompiles(schema)).toBe(true);
  });
});
