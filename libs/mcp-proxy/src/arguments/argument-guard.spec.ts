import { useRecordedDetection } from '../../../../test/support/detection';
import { McpArgumentsRejectedError } from '../errors/mcp.errors';
import { ArgumentGuard, closeObjects } from './argument-guard';

const detection = useRecordedDetection([
  'code-execution.child-process',
  'code-execution.eval',
  'risk.child-process',
  'risk.fs-write',
  'secret.credential-assignment',
  'secret.openai-key',
  'self-modification.write-own-folder',
  'web-injection.path-traversal',
  'web-injection.sql-probe',
]);
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
      { schema: s, schemaKey: JSON.stringify(s), roots: [], secrets: 'refuse' },
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
    // One event per category; web injection and code execution are only flagged here.
    expect(events.map((e) => [e.attemptType, e.blocked])).toEqual([
      ['code-execution', false],
      ['self-modification', true],
      ['web-injection', false],
    ]);
    expect(events[1]).toMatchObject({
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

  it('judges tool arguments as tool arguments: SQL and relative paths in text pass, flagged', () => {
    expect(check({ query: 'DROP TABLE users' })).toBeUndefined();
    expect(check({ query: 'Check ../lib/utils.ts' })).toBeUndefined();
    expect(check({ query: "require('child_process').exec('id')" })).toBeUndefined();
    expect(check({ query: 'state of the art' })).toBeUndefined();
    expect(events.every((e) => e.blocked === false)).toBe(true);
  });

  it('checks paths by value and schema, not only by name', () => {
    const open = { type: 'object', additionalProperties: true };
    expect(check({ repo_path: 'docs/a.md' }, open)).toBeUndefined();
    expect(check({ anything: '/etc/passwd' }, open)).toBe('path');
    expect(check({ anything: 'file:///etc/passwd' }, open)).toBe('path');
    expect(check({ project_dir: '../x' }, open)).toBe('path');
    const described = {
      type: 'object',
      properties: { nb: { type: 'string', description: 'The notebook file' } },
    };
    expect(check({ nb: 'a/../../x' }, described)).toBe('path');
    const formatted = { type: 'object', properties: { u: { type: 'string', format: 'uri' } } };
    expect(check({ u: 'https://example.com/a' }, formatted)).toBeUndefined();
  });

  it('refuses credentials in argument values, or redacts them by policy', () => {
    const open = { type: 'object', additionalProperties: true };
    const secret = `sk-proj-${'abcDEF1234567890'.repeat(3)}`;
    expect(check({ note: `DB_PASSWORD=hunter2hunter2` }, open)).toBe('secret');
    expect(check({ note: secret }, open)).toBe('secret');
    const redacted = new ArgumentGuard(detection.detector, detection.attempts).check(
      { note: `key ${secret}`, list: [secret] },
      { schema: open, schemaKey: 'open', roots: [], secrets: 'redact' },
      origin,
    );
    expect(JSON.stringify(redacted.args)).not.toContain('sk-proj');
    expect(redacted.args.note).toBe('key [REDACTED:secret.openai-key]');
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
