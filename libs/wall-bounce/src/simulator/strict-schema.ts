/**
 * The JSON Schema subset OpenAI's structured outputs accept with `strict: true`, checked the
 * way its API does: the root is an object (not anyOf), every object sets
 * `additionalProperties: false` and lists every property in `required`, only the supported
 * keywords and formats appear, and the documented size limits hold. The messages follow the
 * API's ("Invalid schema for response_format '<name>': In context=(...), ...").
 */

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const KEYWORDS = new Set([
  'type',
  'description',
  'title',
  'enum',
  'const',
  'anyOf',
  '$ref',
  '$defs',
  'definitions',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'pattern',
  'format',
  'multipleOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
]);
const FORMATS = new Set([
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
]);

/** The documented limits of one schema. */
export const STRICT_LIMITS = {
  properties: 5000,
  nesting: 10,
  stringLength: 120_000,
  enumValues: 1000,
  /** A string enum with more values than this must keep its values within the next limit. */
  largeEnum: 250,
  largeEnumLength: 15_000,
} as const;

type Schema = Record<string, unknown>;

interface Tally {
  properties: number;
  enumValues: number;
  stringLength: number;
}

class SchemaProblem extends Error {}

/** `('properties', 'a')` as the API prints a context (a Python tuple). */
function context(path: string[]): string {
  if (path.length === 0) return '()';
  const items = path.map((p) => `'${p}'`).join(', ');
  return path.length === 1 ? `(${items},)` : `(${items})`;
}

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The API's message for a response_format schema that strict mode refuses; undefined when fine. */
export function strictSchemaProblem(name: string, schema: unknown): string | undefined {
  const prefix = `Invalid schema for response_format '${name}': `;
  try {
    if (!isSchema(schema)) throw new SchemaProblem('schema must be a JSON Schema object.');
    if (schema.anyOf !== undefined)
      throw new SchemaProblem("schema must not be of type 'anyOf' at the root.");
    if (schema.type !== 'object') {
      throw new SchemaProblem(
        `schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema.type)}"'.`,
      );
    }
    const tally: Tally = { properties: 0, enumValues: 0, stringLength: 0 };
    const definitions = { ...asRecord(schema.$defs), ...asRecord(schema.definitions) };
    for (const key of Object.keys(definitions)) tally.stringLength += key.length;
    walk(schema, [], 1, schema, tally);
    for (const [key, sub] of Object.entries(asRecord(schema.$defs)))
      walk(sub, ['$defs', key], 1, schema, tally);
    for (const [key, sub] of Object.entries(asRecord(schema.definitions)))
      walk(sub, ['definitions', key], 1, schema, tally);
    if (tally.properties > STRICT_LIMITS.properties) {
      throw new SchemaProblem(
        `${tally.properties} object properties exceed the limit of ${STRICT_LIMITS.properties}.`,
      );
    }
    if (tally.enumValues > STRICT_LIMITS.enumValues) {
      throw new SchemaProblem(
        `${tally.enumValues} enum values exceed the limit of ${STRICT_LIMITS.enumValues}.`,
      );
    }
    if (tally.stringLength > STRICT_LIMITS.stringLength) {
      throw new SchemaProblem(
        `the total string length of property names, definition names, enum and const values ` +
          `(${tally.stringLength}) exceeds the limit of ${STRICT_LIMITS.stringLength}.`,
      );
    }
    return undefined;
  } catch (error) {
    if (error instanceof SchemaProblem) return prefix + error.message;
    throw error;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return isSchema(value) ? value : {};
}

function walk(schema: unknown, path: string[], depth: number, root: Schema, tally: Tally): void {
  const at = `In context=${context(path)}, `;
  if (!isSchema(schema)) throw new SchemaProblem(`${at}schema must be a JSON Schema object.`);
  for (const key of Object.keys(schema)) {
    if (!KEYWORDS.has(key)) throw new SchemaProblem(`${at}'${key}' is not permitted.`);
  }
  if (path.length > 0 && (schema.$defs !== undefined || schema.definitions !== undefined)) {
    throw new SchemaProblem(`${at}definitions are only permitted at the root.`);
  }
  if (schema.$ref !== undefined) {
    checkRef(schema.$ref, root, at);
    return;
  }
  if (schema.enum !== undefined) checkEnum(schema.enum, at, tally);
  if (schema.const !== undefined) tally.stringLength += String(schema.const).length;
  if (schema.anyOf !== undefined) {
    if (!Array.isArray(schema.anyOf) || schema.anyOf.length === 0)
      throw new SchemaProblem(`${at}'anyOf' must be a non-empty array.`);
    schema.anyOf.forEach((sub, i) => walk(sub, [...path, 'anyOf', String(i)], depth, root, tally));
    return;
  }
  const types = typesOf(schema, at);
  if (types.length === 0) {
    if (schema.enum !== undefined || schema.const !== undefined) return;
    throw new SchemaProblem(`${at}schema must have a 'type' key.`);
  }
  if (schema.format !== undefined && !FORMATS.has(String(schema.format))) {
    throw new SchemaProblem(`${at}format '${String(schema.format)}' is not supported.`);
  }
  if (types.includes('object')) checkObject(schema, path, depth, root, tally, at);
  if (types.includes('array')) {
    if (schema.items === undefined) throw new SchemaProblem(`${at}'items' is required for arrays.`);
    walk(schema.items, [...path, 'items'], depth, root, tally);
  }
}

function typesOf(schema: Schema, at: string): string[] {
  if (schema.type === undefined) return [];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  for (const type of types) {
    if (typeof type !== 'string' || !TYPES.has(type))
      throw new SchemaProblem(`${at}type '${String(type)}' is not supported.`);
  }
  return types as string[];
}

function checkObject(
  schema: Schema,
  path: string[],
  depth: number,
  root: Schema,
  tally: Tally,
  at: string,
): void {
  if (depth > STRICT_LIMITS.nesting) {
    throw new SchemaProblem(
      `${depth} levels of nesting exceeds limit of ${STRICT_LIMITS.nesting}.`,
    );
  }
  if (schema.additionalProperties !== false) {
    throw new SchemaProblem(
      `${at}'additionalProperties' is required to be supplied and to be false.`,
    );
  }
  const properties = asRecord(schema.properties);
  const keys = Object.keys(properties);
  const required = Array.isArray(schema.required) ? schema.required : [];
  const missing = keys.find((k) => !required.includes(k));
  if (missing !== undefined || (keys.length > 0 && !Array.isArray(schema.required))) {
    throw new SchemaProblem(
      `${at}'required' is required to be supplied and to be an array including every key in ` +
        `properties. Missing '${missing ?? keys[0]}'.`,
    );
  }
  const extra = required.find((k) => typeof k !== 'string' || !keys.includes(k));
  if (extra !== undefined) {
    throw new SchemaProblem(
      `${at}'required' names '${String(extra)}', which is not in properties.`,
    );
  }
  for (const key of keys) {
    tally.properties += 1;
    tally.stringLength += key.length;
    walk(properties[key], [...path, 'properties', key], depth + 1, root, tally);
  }
}

function checkEnum(values: unknown, at: string, tally: Tally): void {
  if (!Array.isArray(values) || values.length === 0)
    throw new SchemaProblem(`${at}'enum' must be a non-empty array.`);
  tally.enumValues += values.length;
  const length = values.reduce((sum: number, v) => sum + String(v).length, 0);
  tally.stringLength += length;
  if (
    values.length > STRICT_LIMITS.largeEnum &&
    values.every((v) => typeof v === 'string') &&
    length > STRICT_LIMITS.largeEnumLength
  ) {
    throw new SchemaProblem(
      `${at}an enum of more than ${STRICT_LIMITS.largeEnum} values may total at most ` +
        `${STRICT_LIMITS.largeEnumLength} characters, got ${length}.`,
    );
  }
}

/** Only local references: the root (`#`) or a definition of the root. */
function checkRef(ref: unknown, root: Schema, at: string): void {
  if (ref === '#') return;
  const match = typeof ref === 'string' ? /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref) : null;
  if (!match || asRecord(root[match[1]])[match[2]] === undefined) {
    throw new SchemaProblem(
      `${at}reference to component '${String(ref)}' which was not found in the schema.`,
    );
  }
}
