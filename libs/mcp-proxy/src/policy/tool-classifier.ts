import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ServerPolicy, ToolOperation } from '../config/mcp-file';
import type { DenialReason } from '../errors/mcp.errors';

export type Classification =
  | { allowed: true; operation: ToolOperation; source: 'explicit' | 'automatic' }
  | { allowed: false; reason: DenialReason };

/** Words that make a tool name look like a change or an execution (MCP1 forbidden operations). */
const WRITE_WORDS = new Set([
  'write',
  'edit',
  'create',
  'delete',
  'remove',
  'rm',
  'del',
  'move',
  'mv',
  'rename',
  'copy',
  'update',
  'set',
  'put',
  'post',
  'patch',
  'insert',
  'upsert',
  'replace',
  'append',
  'modify',
  'save',
  'store',
  'upload',
  'send',
  'publish',
  'push',
  'commit',
  'merge',
  'deploy',
  'install',
  'uninstall',
  'exec',
  'execute',
  'run',
  'eval',
  'spawn',
  'shell',
  'kill',
  'start',
  'stop',
  'restart',
  'drop',
  'truncate',
  'chmod',
  'chown',
  'mkdir',
  'rmdir',
  'touch',
  'trigger',
  'toggle',
  'enable',
  'disable',
  'reset',
  'clear',
  'purge',
  'apply',
  'approve',
  'grant',
  'revoke',
  'mutate',
  'add',
  'assign',
  'submit',
  'email',
  'notify',
  'pay',
  'transfer',
  'sign',
  'archive',
  'restore',
  'import',
  'sync',
  'command',
  'script',
  'cmd',
]);

/** Argument names that only a writing or executing tool needs. */
const WRITE_ARGUMENTS = new Set([
  'content',
  'contents',
  'newtext',
  'oldtext',
  'newcontent',
  'edits',
  'patch',
  'diff',
  'destination',
  'dest',
  'payload',
  'command',
  'cmd',
  'script',
  'code',
  'shell',
  'exec',
  'program',
  'overwrite',
  'append',
]);

const OPERATION_WORDS: [ToolOperation, string[]][] = [
  ['search', ['search', 'find', 'query', 'lookup', 'grep', 'match', 'filter']],
  [
    'analyze',
    [
      'analyze',
      'analyse',
      'analysis',
      'inspect',
      'stat',
      'stats',
      'info',
      'compare',
      'count',
      'summarize',
      'summary',
      'check',
      'validate',
      'sum',
    ],
  ],
  ['suggest', ['suggest', 'recommend', 'complete', 'completion', 'hint', 'propose']],
];

/** Splits snake_case, kebab-case, dotted and camelCase names into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export function globMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const parts = pattern.split('*');
  let at = 0;
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    if (i === 0) {
      if (!name.startsWith(part)) return false;
      at = part.length;
    } else if (i === parts.length - 1) {
      return name.length - part.length >= at && name.endsWith(part);
    } else {
      const found = name.indexOf(part, at);
      if (found === -1) return false;
      at = found + part.length;
    }
  }
  return true;
}

function schemaArgumentNames(schema: unknown, depth = 0, out: string[] = []): string[] {
  if (!schema || typeof schema !== 'object' || depth > 6) return out;
  const s = schema as { properties?: Record<string, unknown>; items?: unknown };
  for (const [key, value] of Object.entries(s.properties ?? {})) {
    out.push(key);
    schemaArgumentNames(value, depth + 1, out);
  }
  if (s.items) schemaArgumentNames(s.items, depth + 1, out);
  return out;
}

export function inferOperation(name: string): ToolOperation {
  const words = nameWords(name);
  for (const [operation, markers] of OPERATION_WORDS) {
    if (words.some((w) => markers.includes(w))) return operation;
  }
  return 'read';
}

/**
 * MCP1, deny by default. An explicit deny always wins; an explicit allow names the operation;
 * otherwise a tool is allowed only when it declares `readOnlyHint: true` (a missing hint
 * counts as a write) AND neither its name nor its argument names look like a write.
 */
export function classifyTool(tool: Tool, policy: ServerPolicy | undefined): Classification {
  if (policy?.deny.some((p) => globMatches(p, tool.name)))
    return { allowed: false, reason: 'explicit-deny' };
  const explicit = policy?.allow[tool.name];
  if (explicit) return { allowed: true, operation: explicit, source: 'explicit' };
  if (policy && !policy.auto) return { allowed: false, reason: 'not-read-only' };
  if (tool.annotations?.readOnlyHint !== true || tool.annotations?.destructiveHint === true)
    return { allowed: false, reason: 'not-read-only' };
  if (nameWords(tool.name).some((w) => WRITE_WORDS.has(w)))
    return { allowed: false, reason: 'write-like-name' };
  const argumentNames = schemaArgumentNames(tool.inputSchema).map((n) =>
    n.toLowerCase().replace(/[_-]/g, ''),
  );
  if (argumentNames.some((n) => WRITE_ARGUMENTS.has(n)))
    return { allowed: false, reason: 'write-like-schema' };
  return { allowed: true, operation: inferOperation(tool.name), source: 'automatic' };
}
