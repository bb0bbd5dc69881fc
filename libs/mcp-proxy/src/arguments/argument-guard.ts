import { Injectable } from '@nestjs/common';
import Ajv, { ValidateFunction } from 'ajv';
import type { FieldError } from '@techsapo/core';
import { ContentDetector, type Finding } from '@techsapo/detector';
import { AttemptReporter } from '@techsapo/security';
import { McpArgumentsRejectedError } from '../errors/mcp.errors';
import type { CallOrigin } from '../proxy/call-context';
import {
  COMMAND_NAMES,
  MAX_ARGUMENT_BYTES,
  MAX_URI_LENGTH,
  normalizeName,
  URI_NAMES,
} from './argument-limits';
import { pathProblem } from './path-check';
import { isPathLike, type PropertySchema } from './path-like';

export interface ArgumentFlag {
  field: string;
  rule: string;
  category: string;
}

/** What an argument carrying a credential gets: refused, or sent with the credential redacted. */
export type ArgumentSecrets = 'refuse' | 'redact';

export interface ArgumentRules {
  /** The tool's input schema, and a stable key for its compiled validator. */
  schema: unknown;
  schemaKey: string;
  /** The server's roots (empty: no absolute path is accepted). */
  roots: string[];
  secrets: ArgumentSecrets;
}

export interface CheckedArguments {
  /** The arguments to send upstream (credentials redacted when the rules say so). */
  args: Record<string, unknown>;
  flags: ArgumentFlag[];
  /** Whether any argument names a file (counted against the file-read quota). */
  namesFiles: boolean;
}

/** One string of the arguments: where it is, its property's name and schema, how to replace it. */
interface Slot {
  field: string;
  name: string;
  schema?: PropertySchema;
  value: string;
  replace(value: string): void;
}

const MAX_STRINGS = 500;
const CACHE_LIMIT = 2000;

/**
 * MCP2/MCP3 before anything reaches an upstream, cheapest check first: size (≤ 2048 bytes of
 * UTF-8 JSON), command- or script-named arguments, URI lengths, every string that is a path by
 * its value, name or schema (traversal, hidden files, outside the server's roots, absolute
 * without roots), the tool's input schema with unknown properties refused (ajv), then the
 * content detector's `mcp-argument` channel: self-modification refuses, credentials are refused
 * or redacted (MCP_ARGUMENT_SECRETS), the rest is flagged. This guard, not the request scan at
 * the door, judges tool arguments, and reports their attempts: one event per argument and
 * category.
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
    input: Record<string, unknown>,
    rules: ArgumentRules,
    origin: CallOrigin,
  ): CheckedArguments {
    const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
    if (bytes > MAX_ARGUMENT_BYTES)
      this.reject('size', [
        {
          field: 'arguments',
          message: `is ${bytes} bytes; at most ${MAX_ARGUMENT_BYTES} are allowed`,
        },
      ]);
    const args = structuredClone(input);
    const slots: Slot[] = [];
    this.walkObject(args, rules.schema, 'arguments', slots, 0);
    let namesFiles = false;
    for (const slot of slots) {
      const { field, name, value } = slot;
      if (URI_NAMES.has(normalizeName(name)) && value.length > MAX_URI_LENGTH)
        this.reject('uri', [{ field, message: `URIs are at most ${MAX_URI_LENGTH} characters` }]);
      if (isPathLike(name, slot.schema, value)) {
        namesFiles = true;
        const problem = pathProblem(value, rules.roots);
        if (problem) this.reject('path', [{ field, message: problem }]);
      }
    }
    const validate = this.validator(rules.schemaKey, rules.schema);
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
    for (const slot of slots) {
      const { field, value } = slot;
      const result = this.detector.scan(value, 'mcp-argument');
      if (result.findings.length === 0) continue;
      this.attempts.report(result.findings, {
        ...origin,
        channel: 'mcp-argument',
        eventType: result.verdict === 'block' ? 'MCP_CALL_REFUSED' : 'SUSPICIOUS_MCP_ARGUMENT',
        payload: value,
        details: { ...origin.details, field },
      });
      if (result.verdict === 'block')
        this.reject('content', [
          { field, message: `carries a blocked pattern (${categories(result.findings)})` },
        ]);
      if (result.redacted !== undefined) {
        if (rules.secrets === 'refuse')
          this.reject('secret', [
            { field, message: 'carries a credential; credentials are not sent to tools' },
          ]);
        slot.replace(result.redacted);
      }
      for (const f of result.findings) flags.push({ field, rule: f.rule, category: f.category });
    }
    return { args, flags, namesFiles };
  }

  private walkObject(
    value: Record<string, unknown>,
    schema: unknown,
    field: string,
    out: Slot[],
    depth: number,
  ): void {
    const properties = propertiesOf(schema);
    for (const key of Object.keys(value)) {
      if (COMMAND_NAMES.has(normalizeName(key)))
        this.reject('command', [
          { field: `${field}.${key}`, message: 'commands and scripts are not accepted' },
        ]);
      this.walk(value[key], properties?.[key], `${field}.${key}`, key, out, depth + 1, (v) => {
        value[key] = v;
      });
    }
  }

  private walk(
    value: unknown,
    schema: unknown,
    field: string,
    name: string,
    out: Slot[],
    depth: number,
    replace: (value: string) => void,
  ): void {
    if (depth > 16 || out.length > MAX_STRINGS)
      this.reject('size', [{ field, message: 'is nested too deeply' }]);
    if (typeof value === 'string') {
      out.push({ field, name, schema: schemaObject(schema), value, replace });
    } else if (Array.isArray(value)) {
      const items = schemaObject(schema)?.items;
      value.forEach((v, i) =>
        this.walk(v, items, `${field}[${i}]`, name, out, depth + 1, (s) => {
          value[i] = s;
        }),
      );
    } else if (value && typeof value === 'object') {
      this.walkObject(value as Record<string, unknown>, schema, field, out, depth);
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

type SchemaObject = PropertySchema & { properties?: Record<string, unknown>; items?: unknown };

function schemaObject(schema: unknown): SchemaObject | undefined {
  return schema && typeof schema === 'object' && !Array.isArray(schema)
    ? (schema as SchemaObject)
    : undefined;
}

function propertiesOf(schema: unknown): Record<string, unknown> | undefined {
  const properties = schemaObject(schema)?.properties;
  return properties && typeof properties === 'object' ? properties : undefined;
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
