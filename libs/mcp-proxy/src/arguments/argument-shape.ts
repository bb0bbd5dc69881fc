/**
 * The shape of tool arguments for the audit trail: names, types and sizes, never values
 * (arguments may carry personal data or secrets).
 */
export function argumentShape(value: unknown, depth = 0): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (depth > 4) return `array(${value.length})`;
    return value.length === 0 ? [] : [argumentShape(value[0], depth + 1), `×${value.length}`];
  }
  switch (typeof value) {
    case 'string':
      return `string(${value.length})`;
    case 'object': {
      if (depth > 4) return 'object';
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 50))
        out[k.slice(0, 64)] = argumentShape(v, depth + 1);
      return out;
    }
    default:
      return typeof value;
  }
}
