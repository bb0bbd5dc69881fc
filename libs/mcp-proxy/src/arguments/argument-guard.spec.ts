import { useRecordedDetection } from '../../../../test/support/detection';
import { McpArgumentsRejectedError } from '../errors/mcp.errors';
import { ArgumentGuard, closeObjects } from './argument-guard';

const detection = useRecordedDetection();
const { events } = detection;
const origin = { requestId: 'req-1', details: { server: 'docs', tool: 'search' } };
const schema = {
  type: 'object',
  properties: {
    query: { type: 'string' },
    uri: { type: 'string' },
    options: { type: 'object', properties: { limit: { type: 'number' } } },
  },
  required: ['query'],
};
const check = (args: Record<string, unknown>, s: unknown = schema): string | undefined => {
  try {
    new ArgumentGuard(detection.detector, detection.attempts).check(
      args,
      s,
      JSON.stringify(s),
      [],
      origin,
    );
    return undefined;
  } catch (error) {
    return error instanceof McpArgumentsRejectedError ? error.check : String(error);
  }
};

describe('ArgumentGuard (MCP2, MCP3)', () => {
  it('accepts arguments that match the schema', () => {
    expect(check({ query: 'state of the art', options: { limit: 3 } })).toBeUndefined();
  });

  it('refuses more than 2048 bytes of UTF-8 JSON', () => {
    expect(check({ query: 'a'.repeat(2040) })).toBe('size');
    expect(check({ query: 'a'.repeat(2036) })).toBeUndefined();
    // 700 three-byte characters are 2100 bytes though only 700 characters.
    expect(check({ query: '語'.repeat(700) })).toBe('size');
  });

  it('refuses unknown properties, at the top and nested', () => {
    expect(check({ query: 'x', extra: 1 })).toBe('schema');
    expect(check({ query: 'x', options: { limit: 1, more: true } })).toBe('schema');
    expect(check({})).toBe('schema');
  });

  it('refuses command- and script-named arguments wherever they are', () => {
    expect(
      check({ query: 'x', command: 'ls' }, { type: 'object', additionalProperties: true }),
    ).toBe('command');
    expect(
      check(
        { query: 'x', options: { script: 'a' } },
        { type: 'object', additionalProperties: true },
      ),
    ).toBe('command');
  });

  it('refuses URIs over 512 characters', () => {
    expect(check({ query: 'x', uri: `https://example.com/${'a'.repeat(500)}` })).toBe('uri');
  });

  it('refuses self-modification payloads in the content channel, reporting what it refuses for', () => {
    expect(check({ query: "require('fs').writeFileSync(__dirname + '/main.js', x)" })).toBe(
      'content',
    );
    // One event per blocking category; code execution is only flagged on this channel.
    expect(events.map((e) => [e.attemptType, e.blocked])).toEqual([
      ['self-modification', true],
      ['web-injection', true],
    ]);
    expect(events[0]).toMatchObject({
      eventType: 'MCP_CALL_REFUSED',
      violationType: 'SELF_MODIFICATION',
      source: 'mcp-argument',
      requestId: 'req-1',
      details: expect.objectContaining({
        server: 'docs',
        tool: 'search',
        field: 'arguments.query',
      }),
    });
  });

  it('leaves what it does not refuse to the door: a flagged argument raises no event here', () => {
    // The request guard reported every argument of the request (as a request field) already.
    expect(check({ query: "require('child_process').exec('id')" })).toBeUndefined();
    expect(check({ query: 'state of the art' })).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('closes object schemas without touching property maps or explicit choices', () => {
    expect(
      closeObjects({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { type: { type: 'string' }, o: { type: 'object', additionalProperties: true } },
      }),
    ).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: { type: { type: 'string' }, o: { type: 'object', additionalProperties: true } },
    });
  });
});
