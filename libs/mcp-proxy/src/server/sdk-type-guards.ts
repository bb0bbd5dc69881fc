// The SDK's JSON-RPC type guards, deciding by a required key first.
//
// Each of the SDK's guards (`isInitializeRequest`, `isJSONRPCRequest`, ...) is a zod `safeParse`
// of a strict schema, and a failing parse builds an issue for every field: 50–250 µs a call on
// this machine. Its Protocol asks `isJSONRPCResultResponse` then `isJSONRPCErrorResponse` of
// every request it receives before `isJSONRPCRequest`, and its transports ask
// `isInitializeRequest` of every message, so each proxied call paid several failing parses
// (and the proxy's upstream clients as many per answer). Every schema requires a key that the
// others' messages lack (`result`, `error`, `method` and `id`, the literal method
// 'initialize'): a message without it can never pass, so checking the key first gives the
// same answer without the parse; a message that has it still goes through the whole schema.
import type { InitializeRequest } from '@modelcontextprotocol/sdk/types.js';

type Guard = (value: unknown) => boolean;

/** On each guard below: the SDK's own, so that a second copy of this module finds it. */
const SCHEMA_CHECK = Symbol.for('techsapo.mcp.schemaCheck');
/**
 * The SDK's CommonJS exports object itself, which its modules read the guards from: a
 * namespace import may be a copy with getters (esbuild's interop, as tsx runs the benchmarks).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const sdkExports = require('@modelcontextprotocol/sdk/types.js') as Record<
  string,
  Guard & { [SCHEMA_CHECK]?: Guard }
>;

function schemaCheck(name: string): Guard {
  const current = sdkExports[name];
  return current[SCHEMA_CHECK] ?? current;
}

function hasKey(value: unknown, key: string): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && key in value;
}

const schemaChecks = {
  isInitializeRequest: schemaCheck('isInitializeRequest'),
  isJSONRPCRequest: schemaCheck('isJSONRPCRequest'),
  isJSONRPCNotification: schemaCheck('isJSONRPCNotification'),
  isJSONRPCResultResponse: schemaCheck('isJSONRPCResultResponse'),
  isJSONRPCErrorResponse: schemaCheck('isJSONRPCErrorResponse'),
};

export function isInitializeRequest(value: unknown): value is InitializeRequest {
  return (
    hasKey(value, 'method') &&
    value.method === 'initialize' &&
    schemaChecks.isInitializeRequest(value)
  );
}

const keyFirstGuards: Record<string, Guard> = {
  isInitializeRequest,
  isJSONRPCRequest: (v) =>
    hasKey(v, 'method') && hasKey(v, 'id') && schemaChecks.isJSONRPCRequest(v),
  isJSONRPCNotification: (v) => hasKey(v, 'method') && schemaChecks.isJSONRPCNotification(v),
  isJSONRPCResultResponse: (v) => hasKey(v, 'result') && schemaChecks.isJSONRPCResultResponse(v),
  isJSONRPCErrorResponse: (v) => hasKey(v, 'error') && schemaChecks.isJSONRPCErrorResponse(v),
};
// The SDK exports each response guard under a second, older name too.
keyFirstGuards.isJSONRPCResponse = keyFirstGuards.isJSONRPCResultResponse;
keyFirstGuards.isJSONRPCError = keyFirstGuards.isJSONRPCErrorResponse;
for (const [name, guard] of Object.entries(keyFirstGuards))
  if (!(SCHEMA_CHECK in guard))
    Object.defineProperty(guard, SCHEMA_CHECK, { value: schemaCheck(name) });

/** The names of the SDK's guards that `useKeyFirstTypeGuards` replaces. */
export const KEY_FIRST_GUARD_NAMES = Object.freeze(Object.keys(keyFirstGuards));

/**
 * Makes the SDK (its Protocol, transports and clients, in this whole process) use the guards
 * above: it looks each guard up on its types module's exports at every call, so replacing
 * the exports is enough. Returns false if an export cannot be replaced (a future SDK may
 * freeze them): the SDK then works as before, only slower.
 */
export function useKeyFirstTypeGuards(): boolean {
  for (const [name, guard] of Object.entries(keyFirstGuards)) {
    if (sdkExports[name] === guard) continue;
    try {
      sdkExports[name] = guard;
    } catch {
      return false;
    }
    if (sdkExports[name] !== guard) return false;
  }
  return true;
}
