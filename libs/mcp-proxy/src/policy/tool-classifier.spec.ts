import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ServerPolicy } from '../config/mcp-file';
import { classifyTool, globMatches, inferOperation, nameWords } from './tool-classifier';

const tool = (
  name: string,
  annotations?: Tool['annotations'],
  properties: Record<string, object> = {},
): Tool => ({
  name,
  inputSchema: { type: 'object', properties },
  annotations,
});
const policy = (p: Partial<ServerPolicy>): ServerPolicy => ({
  allow: {},
  deny: [],
  auto: true,
  resources: false,
  prompts: false,
  templateSchemes: [],
  ...p,
});

describe('classifyTool (MCP1, deny by default)', () => {
  it('allows a read-only tool whose name and schema do not look like a write', () => {
    expect(
      classifyTool(tool('read_text_file', { readOnlyHint: true }, { path: {} }), undefined),
    ).toEqual({
      allowed: true,
      operation: 'read',
      source: 'automatic',
    });
    expect(classifyTool(tool('search_files', { readOnlyHint: true }), undefined)).toMatchObject({
      operation: 'search',
    });
  });

  it('counts a missing or false readOnlyHint as a write', () => {
    expect(classifyTool(tool('list_things'), undefined)).toEqual({
      allowed: false,
      reason: 'not-read-only',
    });
    expect(classifyTool(tool('write_file', { readOnlyHint: false }), undefined)).toMatchObject({
      allowed: false,
    });
    expect(
      classifyTool(tool('get', { readOnlyHint: true, destructiveHint: true }), undefined),
    ).toMatchObject({
      allowed: false,
    });
  });

  it('refuses a tool that claims to be read-only but is named or shaped like a write', () => {
    for (const name of [
      'write_file',
      'deleteUser',
      'run-query',
      'exec',
      'create_directory',
      'moveFile',
    ])
      expect(classifyTool(tool(name, { readOnlyHint: true }), undefined)).toEqual({
        allowed: false,
        reason: 'write-like-name',
      });
    expect(classifyTool(tool('notes', { readOnlyHint: true }, { content: {} }), undefined)).toEqual(
      {
        allowed: false,
        reason: 'write-like-schema',
      },
    );
    expect(
      classifyTool(tool('lookup', { readOnlyHint: true }, { command: {} }), undefined),
    ).toMatchObject({
      reason: 'write-like-schema',
    });
  });

  it('lets an explicit allow name the operation, and an explicit deny win over everything', () => {
    expect(classifyTool(tool('fetch_page'), policy({ allow: { fetch_page: 'read' } }))).toEqual({
      allowed: true,
      operation: 'read',
      source: 'explicit',
    });
    expect(
      classifyTool(
        tool('fetch_page', { readOnlyHint: true }),
        policy({ allow: { fetch_page: 'read' }, deny: ['fetch_*'] }),
      ),
    ).toEqual({ allowed: false, reason: 'explicit-deny' });
    expect(
      classifyTool(tool('read', { readOnlyHint: true }), policy({ auto: false })),
    ).toMatchObject({ allowed: false });
  });

  it('splits names and matches deny patterns', () => {
    expect(nameWords('readTextFile_v2-now')).toEqual(['read', 'text', 'file', 'v2', 'now']);
    expect(globMatches('get-*', 'get-env')).toBe(true);
    expect(globMatches('*env', 'get-env')).toBe(true);
    expect(globMatches('a*b*c', 'axxbyyc')).toBe(true);
    expect(globMatches('a*b*c', 'axxbyy')).toBe(false);
    expect(globMatches('get-env', 'get-envx')).toBe(false);
    expect(inferOperation('analyze_code')).toBe('analyze');
    expect(inferOperation('suggest_fix')).toBe('suggest');
  });
});
