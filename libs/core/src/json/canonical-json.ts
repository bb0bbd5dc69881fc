/**
 * JSON with object keys sorted at every level (by UTF-16 code units), properties whose value is
 * undefined left out, so the same value always hashes the same (audit entries, pinned MCP
 * definitions). A value with `toJSON` (a Date) is written as what that returns, as
 * JSON.stringify writes it. Built as one string in place: it runs for every audit entry.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return canonicalJson(toJSON.call(value));
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      // A hole stays empty, as Array.prototype.join writes it.
      if (i in value) out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of sortedKeys(record)) {
    const child = record[key];
    if (child === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(child)}`;
  }
  return `${out}}`;
}

/**
 * The object's keys in the order of `Array.prototype.sort()` (UTF-16 code units), sorted in place
 * by insertion: an entry's objects have a handful of keys, and `sort()` copies the array into a
 * work area of its own on every call.
 */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
}
