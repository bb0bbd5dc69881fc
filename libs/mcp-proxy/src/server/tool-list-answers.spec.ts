import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { CatalogEntry } from '../policy/tool-catalog';
import { serialise } from './jsonrpc-messages';
import { PROXY_META, ToolListAnswers } from './mcp-tool-server';

function entry(name: string): CatalogEntry {
  return {
    server: 'docs',
    clientName: `docs__${name}`,
    tool: { name, inputSchema: { type: 'object' } },
    exposed: { name, description: `Reads ${name}.`, inputSchema: { type: 'object' } },
    operation: 'read',
    source: 'annotation',
    hash: 'h'.repeat(64),
    hiddenText: [],
    allowed: true,
  } as unknown as CatalogEntry;
}

const analyze: Tool = { name: 'techsapo__analyze', inputSchema: { type: 'object' } };

describe('ToolListAnswers', () => {
  it('answers the same entries with the same answer, serialised once', () => {
    const answers = new ToolListAnswers();
    const entries = [entry('read'), entry('list')];
    const first = answers.answer([analyze], entries);
    expect(first.tools.map((t) => t.name)).toEqual([
      'techsapo__analyze',
      'docs__read',
      'docs__list',
    ]);
    expect(first.tools[1]._meta?.[PROXY_META]).toMatchObject({ server: 'docs', tool: 'read' });
    // A new array of the same entries (as each listing makes) gives the same object.
    expect(answers.answer([analyze], [...entries])).toBe(first);
    const expected = JSON.parse(JSON.stringify(first)) as unknown;
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      const text = serialise({ jsonrpc: '2.0', id: 3, result: first });
      // Only the id is serialised now: the answer's JSON was made with it.
      expect(stringify.mock.calls.map(([value]) => value as unknown)).toEqual([3]);
      expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', id: 3, result: expected });
    } finally {
      stringify.mockRestore();
    }
  });

  it('makes a new answer when the catalogue publishes new entries', () => {
    const answers = new ToolListAnswers();
    const entries = [entry('read'), entry('list')];
    const first = answers.answer([analyze], entries);
    const rebuilt = answers.answer([analyze], [entries[0], entry('list')]);
    expect(rebuilt).not.toBe(first);
    const fewer = answers.answer([analyze], [entries[0]]);
    expect(fewer.tools.map((t) => t.name)).toEqual(['techsapo__analyze', 'docs__read']);
    expect(answers.answer([], [entries[0]]).tools.map((t) => t.name)).toEqual(['docs__read']);
  });
});
