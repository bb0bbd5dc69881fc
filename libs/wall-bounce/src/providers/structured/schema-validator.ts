import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Compiled schemas kept; schemas are few (the engine's) but may be built per call. */
const CACHE_LIMIT = 256;

// Schemas come from clients: what Ajv would warn about (an unknown format) is refused by the
// strict-subset check with a reason, never written to the process's console.
const ajv = new Ajv({ allErrors: false, strict: false, logger: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction | Error>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction | Error {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      validate = error instanceof Error ? error : new Error('the schema does not compile');
    }
    if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * Why `value` does not match `schema` (a short text naming the place, never the value), or
 * undefined when it matches. Each distinct schema is compiled once.
 */
export function schemaMismatch(
  schema: Record<string, unknown>,
  value: unknown,
): string | undefined {
  const validate = validatorFor(schema);
  if (validate instanceof Error) return 'the schema itself is invalid';
  if (validate(value)) return undefined;
  const first = validate.errors?.[0];
  if (!first) return 'does not match the schema';
  const where = first.instancePath || '/';
  return `${where} ${first.message ?? 'is invalid'}`;
}

/** True when `schema` compiles as a JSON Schema. */
export function schemaCompiles(schema: Record<string, unknown>): boolean {
  return !(validatorFor(schema) instanceof Error);
}
