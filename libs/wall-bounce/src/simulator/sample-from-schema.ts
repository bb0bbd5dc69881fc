type Schema = Record<string, unknown>;

/** What the generator asks of its caller: text for a string, a stable number in 0..1. */
export interface SampleSource {
  /** Text for a string at this path (property names from the root, `[]` for array items). */
  text(path: string[]): string;
  /** A stable pseudo-random number in 0..1 for this path. */
  unit(path: string[]): number;
}

/** Deeper than this, optional parts are left out (null, no array items): recursive schemas end. */
const MAX_DEPTH = 8;

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '00:00:00Z',
  duration: 'P1D',
  email: 'simulated@example.com',
  hostname: 'simulated.example',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uuid: '00000000-0000-4000-8000-000000000000',
};

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A value that satisfies a JSON Schema of the structured-output subset: enums take their first
 * member, strings the caller's text (or a sample of their format), numbers a value inside their
 * bounds, booleans a stable choice, arrays zero or one item (at least minItems), objects every
 * property, nullable types their non-null type. `pattern` is not honoured.
 */
export function sampleFromSchema(schema: Schema, source: SampleSource): unknown {
  return sample(schema, schema, [], 0, source);
}

function sample(
  schema: unknown,
  root: Schema,
  path: string[],
  depth: number,
  source: SampleSource,
): unknown {
  if (!isSchema(schema)) return null;
  if (typeof schema.$ref === 'string') {
    return sample(resolve(schema.$ref, root), root, path, depth + 1, source);
  }
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum.find((v) => v !== null) ?? schema.enum[0];
  }
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) {
    const branches = schema.anyOf as unknown[];
    const nonNull = branches.find((b) => !(isSchema(b) && b.type === 'null'));
    const nullable = branches.length > 1 || nonNull === undefined;
    if (depth >= MAX_DEPTH && nullable) return null;
    return sample(nonNull ?? branches[0], root, path, depth, source);
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const type = types.find((t) => t !== 'null');
  if (type === undefined) return null;
  if (depth >= MAX_DEPTH && types.includes('null')) return null;
  switch (type) {
    case 'object': {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      return Object.fromEntries(
        Object.entries(properties).map(([key, sub]) => [
          key,
          sample(sub, root, [...path, key], depth + 1, source),
        ]),
      );
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
      const count = Math.min(max, Math.max(min, depth >= MAX_DEPTH ? 0 : 1));
      return Array.from({ length: count }, (_, i) =>
        sample(schema.items, root, [...path, `${i}`], depth + 1, source),
      );
    }
    case 'string':
      return stringSample(schema, path, source);
    case 'number':
    case 'integer':
      return numberSample(schema, type === 'integer', source.unit(path));
    case 'boolean':
      return source.unit(path) < 0.5;
    default:
      return null;
  }
}

function resolve(ref: string, root: Schema): unknown {
  if (ref === '#') return root;
  const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
  const definitions = match ? root[match[1]] : undefined;
  return match && isSchema(definitions) ? definitions[match[2]] : undefined;
}

function stringSample(schema: Schema, path: string[], source: SampleSource): string {
  const format = typeof schema.format === 'string' ? FORMAT_SAMPLES[schema.format] : undefined;
  let text = format ?? source.text(path);
  if (typeof schema.maxLength === 'number')
    text = Array.from(text).slice(0, schema.maxLength).join('');
  if (typeof schema.minLength === 'number' && text.length < schema.minLength) {
    text = text.padEnd(schema.minLength, '.');
  }
  return text;
}

/** Towards the upper part of the range (0.7..0.95 of it): scores and confidences read as fair. */
function numberSample(schema: Schema, integer: boolean, unit: number): number {
  const num = (key: string): number | undefined =>
    typeof schema[key] === 'number' ? (schema[key] as number) : undefined;
  const step = integer ? 1 : 0.001;
  const exclusiveLow = num('exclusiveMinimum');
  const exclusiveHigh = num('exclusiveMaximum');
  let low = num('minimum') ?? (exclusiveLow !== undefined ? exclusiveLow + step : undefined);
  let high = num('maximum') ?? (exclusiveHigh !== undefined ? exclusiveHigh - step : undefined);
  if (low === undefined && high === undefined) [low, high] = integer ? [1, 5] : [0, 1];
  low ??= (high as number) - 1;
  high ??= low + 1;
  let value = low + (high - low) * (0.7 + 0.25 * unit);
  const multiple = num('multipleOf');
  if (multiple) value = Math.round(value / multiple) * multiple;
  else value = integer ? Math.round(value) : Math.round(value * 1000) / 1000;
  return Math.min(high, Math.max(low, value));
}
