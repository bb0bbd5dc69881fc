import Ajv from 'ajv';
import yaml from 'js-yaml';
import { readFileSync, realpathSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { describeError } from '@techsapo/core';
import { ALLOWED_OPERATIONS, AllowedOperation } from '@techsapo/security';
import { McpConfigError } from '../errors/mcp.errors';

export type ToolOperation = 'search' | AllowedOperation;
export const TOOL_OPERATIONS: readonly ToolOperation[] = ['search', ...ALLOWED_OPERATIONS];

interface ServerBase {
  name: string;
  /** Folders path-like arguments must stay inside (absolute, symlinks resolved at load). */
  roots: string[];
  /** Whether this server's tools reach the network (counted against the network quota). */
  network: boolean;
}

export interface StdioServer extends ServerBase {
  transport: 'stdio';
  command: string;
  args: string[];
  /** The child's whole environment: nothing of the proxy's own is passed on. */
  env: Record<string, string>;
  cwd?: string;
}

export interface HttpServer extends ServerBase {
  transport: 'streamable-http';
  url: string;
  headers: Record<string, string>;
}

export type UpstreamServer = StdioServer | HttpServer;

export interface ServerPolicy {
  /** tool name → the allowed operation it performs (explicit allow). */
  allow: Record<string, ToolOperation>;
  /** Tool names or `*` patterns that are never exposed; they win over everything. */
  deny: string[];
  /** Automatic classification from annotations, name and schema (default true). */
  auto: boolean;
  /** Whether its resources (`resources/list`, `resources/read`) reach clients (default false). */
  resources: boolean;
  /** Whether its prompts (`prompts/list`, `prompts/get`) reach clients (default false). */
  prompts: boolean;
  /**
   * URI schemes (besides `file:`, which its roots govern) whose resource templates reach
   * clients when resources are enabled; a URI read through such a template goes upstream
   * (default none).
   */
  templateSchemes: string[];
}

export interface McpFile {
  servers: UpstreamServer[];
  policy: {
    hosts: { allow: string[]; block: string[] };
    servers: Record<string, ServerPolicy>;
  };
}

const NAME = '^[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_)){0,39}$';
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const strings = { type: 'array', items: { type: 'string' } };
const common = {
  name: { type: 'string', pattern: NAME },
  roots: strings,
  network: { type: 'boolean' },
};

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['servers'],
  properties: {
    servers: {
      type: 'array',
      items: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'transport', 'command'],
            properties: {
              ...common,
              transport: { const: 'stdio' },
              command: { type: 'string', minLength: 1 },
              args: strings,
              env: stringMap,
              cwd: { type: 'string' },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'transport', 'url'],
            properties: {
              ...common,
              transport: { const: 'streamable-http' },
              url: { type: 'string', pattern: '^https?://' },
              headers: stringMap,
            },
          },
        ],
      },
    },
    policy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        hosts: {
          type: 'object',
          additionalProperties: false,
          properties: { allow: strings, block: strings },
        },
        servers: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: {
              allow: {
                type: 'object',
                additionalProperties: { enum: ['search', 'read', 'analyze', 'suggest'] },
              },
              deny: strings,
              auto: { type: 'boolean' },
              resources: { type: 'boolean' },
              prompts: { type: 'boolean' },
              templateSchemes: {
                type: 'array',
                items: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9+.-]*$' },
              },
            },
          },
        },
      },
    },
  },
} as const;

interface RawServer {
  name: string;
  transport: 'stdio' | 'streamable-http';
  roots?: string[];
  network?: boolean;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
}

/** MCP4's example: the hosts the seed blocks everywhere. */
export const DEFAULT_BLOCKED_HOSTS = ['*malicious-site.com'];

export function parseMcpFile(text: string, format: 'json' | 'yaml', baseDir: string): McpFile {
  let raw: unknown;
  try {
    raw = format === 'json' ? JSON.parse(text) : yaml.load(text, { schema: yaml.JSON_SCHEMA });
  } catch (error) {
    throw new McpConfigError(`cannot be parsed: ${describeError(error)}`);
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(SCHEMA);
  if (!validate(raw)) {
    const why = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
      .join('; ');
    throw new McpConfigError(`is invalid: ${why}`);
  }
  const input = raw as {
    servers: RawServer[];
    policy?: {
      hosts?: { allow?: string[]; block?: string[] };
      servers?: Record<string, Partial<ServerPolicy>>;
    };
  };
  const names = new Set<string>();
  const servers: UpstreamServer[] = input.servers.map((s) => {
    if (names.has(s.name)) throw new McpConfigError(`names the server "${s.name}" twice`);
    names.add(s.name);
    const base = {
      name: s.name,
      roots: (s.roots ?? []).map((r) => canonicalRoot(resolve(baseDir, r))),
      network: s.network ?? s.transport === 'streamable-http',
    };
    return s.transport === 'stdio'
      ? {
          ...base,
          transport: 'stdio',
          command: s.command as string,
          args: s.args ?? [],
          env: s.env ?? {},
          cwd: s.cwd ? resolve(baseDir, s.cwd) : undefined,
        }
      : { ...base, transport: 'streamable-http', url: s.url as string, headers: s.headers ?? {} };
  });
  const policies: Record<string, ServerPolicy> = {};
  for (const [name, p] of Object.entries(input.policy?.servers ?? {})) {
    if (!names.has(name)) throw new McpConfigError(`has a policy for the unknown server "${name}"`);
    policies[name] = {
      allow: p.allow ?? {},
      deny: p.deny ?? [],
      auto: p.auto ?? true,
      resources: p.resources ?? false,
      prompts: p.prompts ?? false,
      templateSchemes: (p.templateSchemes ?? []).map((scheme) => scheme.toLowerCase()),
    };
  }
  return {
    servers,
    policy: {
      hosts: {
        allow: input.policy?.hosts?.allow ?? [],
        block: [...DEFAULT_BLOCKED_HOSTS, ...(input.policy?.hosts?.block ?? [])],
      },
      servers: policies,
    },
  };
}

export function loadMcpFile(path: string | undefined): McpFile {
  if (!path) return { servers: [], policy: { hosts: { allow: [], block: [] }, servers: {} } };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new McpConfigError(`(${path}) cannot be read: ${describeError(error)}`);
  }
  const format = extname(path) === '.json' ? 'json' : 'yaml';
  return parseMcpFile(text, format, resolve(path, '..'));
}

function canonicalRoot(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}
