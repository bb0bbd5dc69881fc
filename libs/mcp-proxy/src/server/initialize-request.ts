// Whether a JSON-RPC message is MCP's `initialize` request, decided by its `method` first.
//
// The SDK's `isInitializeRequest` is a zod `safeParse` of `InitializeRequestSchema`, and a
// failing parse builds an issue for every field of that schema: ~0.25 ms for a `tools/call`
// on this machine. Its Streamable HTTP server transport asks it twice per POST (once to
// decide whether the POST initializes, once for the protocol version), so every proxied call
// paid two failing parses. The schema's `method` is the literal 'initialize': a message with
// any other method can never pass it, so checking `method` first gives the same answer
// without the parse; a message that does say 'initialize' still goes through the full schema.
import * as sdkTypes from '@modelcontextprotocol/sdk/types.js';
import type { InitializeRequest } from '@modelcontextprotocol/sdk/types.js';

const schemaCheck = sdkTypes.isInitializeRequest;

export function isInitializeRequest(value: unknown): value is InitializeRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { method?: unknown }).method === 'initialize' &&
    schemaCheck(value)
  );
}

/**
 * Makes the SDK's transport use the check above: it looks `isInitializeRequest` up on the
 * SDK's (CommonJS) types module at every call, so replacing that export is enough. Returns
 * false, changing nothing, if the export cannot be replaced (a future SDK may freeze it):
 * the transport then works as before, only slower.
 */
export function useMethodFirstInitializeCheck(): boolean {
  const exports = sdkTypes as unknown as Record<string, unknown>;
  if (exports.isInitializeRequest === isInitializeRequest) return true;
  try {
    exports.isInitializeRequest = isInitializeRequest;
  } catch {
    return false;
  }
  return exports.isInitializeRequest === isInitializeRequest;
}
