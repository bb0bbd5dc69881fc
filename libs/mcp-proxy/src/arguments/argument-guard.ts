import { Injectable } from '@nestjs/common';
import Ajv, { ValidateFunction } from 'ajv';
import type { FieldError } from '@techsapo/core';
import { ContentDetector, type Finding } from '@techsapo/detector';
import { AttemptReporter } from '@techsapo/security';
import { McpArgumentsRejectedError } from '../errors/mcp.errors';
import {
  COMMAND_NAMES,
  MAX_ARGUMENT_BYTES,
  MAX_URI_LENGTH,
  normalizeName,
  PATH_NAMES,
  URI_NAMES,
} from './argument-limits';
import type { CallOrigin } from '../proxy/call-context';
import { pathProblem } from './path-check';

export interface ArgumentFlag {
  field: string;
  rule: string;
  category: string;
}

const MAX_STRINGS = 500;
const CACHE_LIMIT = 2000;

/**
 * MCP2/MCP3 before anything reaches an upstream, cheapest check first: size (≤ 2048 bytes of
 * UTF-8 JSON), command- or script-named arguments, URI lengths, path-like arguments
 * (traversal, hidden files, outside the server's roots), the tool's input schema with unknown
 * properties refused (ajv), then the content detector's `mcp-argument` channel: an argument it
 * refuses has its blocking attempts reported (the door reported the rest, see below).
 */
@Injectable()
export class ArgumentGuard {
  private readonly ajv = new Ajv({ allErrors: false, strict: false, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction | Error>();

  constructor(
    private readonly detector: ContentDetector,
    private readonly attempts: AttemptReporter,
  ) {}

  check(
    args: Record<string, unknown>,
    schema: unknown,
    schemaKey: string,
    roots: string[],
    origin: CallOrigin,
  ): ArgumentFlag[] {
    const bytes = Buffer.byteLength(JSON.stringify(args), 'utf8');
    if (bytes > MAX_ARGUMENT_BYTES)
      this.reject('size', [
        {
          field: 'arguments',
          message: `is ${bytes} bytes; at most ${MAX_ARGUMENT_BYTES} are allowed`,
        },
      ]);
    const strings: [string, string, string][] = [];
    this.walk(args, 'arguments', '', strings, 0);
    for (const [field, name, value] of strings) {
      if (URI_NAMES.has(name) && value.length > MAX_URI_LENGTH)
        this.reject('uri', [{ field, message: `URIs are at most ${MAX_URI_LENGTH} characters` }]);
      if (PATH_NAMES.has(name)) {
        const problem = pathProblem(value, roots);
        if (problem) this.reject('path', [{ field, message: problem }]);
      }
    }
    const validate = this.validator(schemaKey, schema);
    if (validate instanceof Error)
      this.reject('schema', [{ field: 'arguments', message: 'the tool input schema is unusable' }]);
    if (!validate(args)) {
      const errors = (validate.errors ?? []).slice(0, 10).map((e) => ({
        field: `arguments${e.instancePath.replace(/\//g, '.')}${
          e.keyword === 'additionalProperties'
            ? `.${String((e.params as { additionalProperty?: string }).additionalProperty)}`
            : ''
        }`,
        message:
          e.keyword === 'additionalProperties'
            ? 'is not a known argument'
            : (e.message ?? 'is invalid'),
      }));
      this.reject('schema', errors);
    }
    const flags: ArgumentFlag[] = [];
    for (const [field, , value] of strings) {
      const result = this.detector.scan(value, 'mcp-argument');
      if (result.verdict === 'block') {
        // The request guard scanned and reported every argument at the door (as a request
        // field, where more blocks); what gets here and is refused is what the door did not
        // see (secret-named arguments) or did not refuse: reported here, once.
        this.attempts.report(
          result.findings.filter((f) => f.action === 'block'),
          {
            ...origin,
            channel: 'mcp-argument',
            eventType: 'MCP_CALL_REFUSED',
            payload: value,
            details: { ...origin.details, field },
          },
        );
        this.reject('content', [
          { field, message: `carries a blocked pattern (${categories(result.findings)})` },
        ]);
      }
      for (const f of result.findings) flags.push({ field, rule: f.rule, category: f.category });
    }
    return flags;
  }

  private walk(
    value: unknown,
    field: string,
    name: string,
    out: [string, string, string][],
    depth: number,
  ): void {
    if (depth > 16 || out.length > MAX_STRINGS)
      this.reject('size', [{ field, message: 'is nested too deeply' }]);
    if (typeof value === 'string') {
      out.push([field, name, value]);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => this.walk(v, `${field}[${i}]`, name, out, depth + 1));
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const normalized = normalizeName(key);
        if (COMMAND_NAMES.has(normalized))
          this.reject('command', [
            { field: `${field}.${key}`, message: 'commands and scripts are not accepted' },
          ]);
        this.walk(v, `${field}.${key}`, normalized, out, depth + 1);
      }
    }
  }

  private validator(key: string, schema: unknown): ValidateFunction | Error {
    let validate = this.validators.get(key);
    if (!validate) {
      try {
        validate = this.ajv.compile(closeObjects(schema ?? { type: 'object' }) as object);
      } catch (error) {
        validate = error as Error;
      }
      if (this.validators.size >= CACHE_LIMIT) this.validators.clear();
      this.validators.set(key, validate);
    }
    return validate;
  }

  private reject(check: string, errors: FieldError[]): never {
    throw new McpArgumentsRejectedError(check, errors);
  }
}

function categories(findings: Finding[]): string {
  return [...new Set(findings.filter((f) => f.action === 'block').map((f) => f.category))].join(
    ', ',
  );
}

/**
 * A copy of the schema where every object schema without an `additionalProperties` of its own
 * refuses unknown properties (MCP3), and without `$schema`/`$id` (ajv would try to resolve them).
 */
export function closeObjects(schema: unknown, depth = 0): unknown {
  if (Array.isArray(schema)) return schema.map((s) => closeObjects(s, depth + 1));
  if (!schema || typeof schema !== 'object' || depth > 32) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === '$schema' || k === '$id') continue;
    out[k] =
      k === 'properties' && v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, closeObjects(pv, depth + 1)]))
        : closeObjects(v, depth + 1);
  }
  const isObject =
    out.type === 'object' || (out.properties !== undefined && out.type === undefined);
  if (isObject && out.additionalProperties === undefined && out.patternProperties === undefined)
    out.additionalProperties = false;
  return out;
}
