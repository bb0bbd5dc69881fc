// Reading and writing the JSON-RPC messages of /mcp.
import {
  JSONRPCErrorResponseSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  JSONRPCResultResponseSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';

/**
 * A message as the SDK's `JSONRPCMessageSchema` reads it, with one schema check instead of
 * a union's: every branch of that union is strict and requires a key the others forbid
 * (`method` with `id`, `method` alone, `result`, `error`), so the keys name the only schema
 * that could pass. Undefined: not a JSON-RPC message.
 */
export function readMessage(value: unknown): JSONRPCMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const schema =
    'method' in value
      ? 'id' in value
        ? JSONRPCRequestSchema
        : JSONRPCNotificationSchema
      : 'result' in value
        ? JSONRPCResultResponseSchema
        : 'error' in value
          ? JSONRPCErrorResponseSchema
          : undefined;
  const parsed = schema?.safeParse(value);
  return parsed?.success ? (parsed.data as JSONRPCMessage) : undefined;
}

/** For a message read by readMessage or built by the SDK's Protocol: no schema needed. */
export function isRequest(message: JSONRPCMessage): message is JSONRPCRequest {
  return 'method' in message && 'id' in message;
}

export function isResponse(message: JSONRPCMessage): boolean {
  return !('method' in message) && ('result' in message || 'error' in message);
}

/** Results serialised once, when they were made (see prepared). */
const serialised = new WeakMap<object, string>();

/**
 * Marks a result that many requests answer alike (a tools/list from the same catalogue) as
 * serialised once: serialise() then writes its JSON without walking it again. The result
 * must not change afterwards, so it is frozen.
 */
export function prepared<T extends object>(result: T): T {
  serialised.set(result, JSON.stringify(result));
  return Object.freeze(result);
}

export function serialise(message: JSONRPCMessage): string {
  if ('result' in message && !('method' in message)) {
    const json = serialised.get(message.result);
    if (json !== undefined)
      return `{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":${json}}`;
  }
  return JSON.stringify(message);
}
