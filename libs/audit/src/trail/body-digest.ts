import { isSensitiveName, REDACTED, redactText } from '@techsapo/core';
import { createHash } from 'node:crypto';

export interface BodyDigest {
  bytes: number;
  /** SHA-256 of the body as JSON, values of secret-named fields replaced by the redaction mark. */
  sha256: string;
}

type Frame =
  | { kind: 'array'; items: unknown[]; next: number }
  | { kind: 'object'; entries: [string, unknown][]; next: number };

/**
 * Size and SHA-256 of a parsed body: it identifies a payload without storing it. Secret-named
 * fields are hashed redacted at any depth, so nobody can test guesses of a password against
 * the log. The body is walked with a stack of its own, never by recursion, so no shape of body
 * can exhaust the call stack of the audit listener; the hash is fed as it goes, without
 * building the serialised body first.
 */
export function bodyDigest(body: unknown, declaredBytes?: number): BodyDigest {
  const hash = createHash('sha256');
  let bytes = 0;
  const write = (chunk: string): void => {
    hash.update(chunk);
    bytes += Buffer.byteLength(chunk);
  };
  if (typeof body === 'string') write(redactText(body));
  else writeJson(body, write);
  return {
    bytes: declaredBytes !== undefined && Number.isFinite(declaredBytes) ? declaredBytes : bytes,
    sha256: hash.digest('hex'),
  };
}

function writeJson(root: unknown, write: (chunk: string) => void): void {
  const stack: Frame[] = [];
  // Writes a value: a scalar at once, a container by pushing its frame.
  const open = (value: unknown): void => {
    const json = jsonValue(value);
    if (Array.isArray(json)) {
      write('[');
      stack.push({ kind: 'array', items: json, next: 0 });
    } else if (json !== null && typeof json === 'object') {
      write('{');
      const entries = Object.entries(json).filter(([, v]) => jsonValue(v) !== undefined);
      stack.push({ kind: 'object', entries, next: 0 });
    } else {
      write(JSON.stringify(json) ?? 'null');
    }
  };
  open(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.kind === 'array') {
      if (frame.next === frame.items.length) {
        write(']');
        stack.pop();
        continue;
      }
      if (frame.next > 0) write(',');
      open(frame.items[frame.next++]);
    } else {
      if (frame.next === frame.entries.length) {
        write('}');
        stack.pop();
        continue;
      }
      const [key, value] = frame.entries[frame.next++];
      write(`${frame.next > 1 ? ',' : ''}${JSON.stringify(key)}:`);
      const secret = isSensitiveName(key) && value !== null && value !== '';
      open(secret ? REDACTED : value);
    }
  }
}

/** What JSON.stringify would write for a value: toJSON applied, functions and symbols dropped. */
function jsonValue(value: unknown): unknown {
  const json =
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
      ? (value as { toJSON(): unknown }).toJSON()
      : value;
  if (typeof json === 'function' || typeof json === 'symbol') return undefined;
  if (typeof json === 'bigint') return json.toString();
  return json;
}
