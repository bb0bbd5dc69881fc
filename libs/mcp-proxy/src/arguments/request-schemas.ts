import type { Prompt } from '@modelcontextprotocol/sdk/types.js';

/**
 * The input schema of a prompt's arguments, for the argument guard: strings, unknown names
 * refused. A completion names some of them at a time, so it is checked without `required`.
 */
export function promptArgumentsSchema(prompt: Prompt, requireAll: boolean): object {
  const args = prompt.arguments ?? [];
  return {
    type: 'object',
    properties: Object.fromEntries(
      args.map((a) => [a.name, { type: 'string', description: a.description }]),
    ),
    ...(requireAll ? { required: args.filter((a) => a.required).map((a) => a.name) } : {}),
  };
}

/**
 * The input schema of a resource template's variables: each one builds part of a URI, so each
 * is judged as a path (traversal, hidden files, outside the server's roots); unknown names
 * refused. An exploded variable is a list of them.
 */
export function templateVariablesSchema(names: string[]): object {
  const part = { format: 'path', description: 'Part of a resource URI (a path).' };
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, { ...part, items: part }])),
  };
}
