import * as sdkTypes from '@modelcontextprotocol/sdk/types.js';
import {
  JSONRPCMessageSchema,
  JSONRPCResultResponseSchema,
  InitializeRequestSchema,
  JSONRPCErrorResponseSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { readMessage, prepared, serialise } from './jsonrpc-messages';
import { useKeyFirstTypeGuards } from './sdk-type-guards';

/** Messages and near misses of every kind. */
const SAMPLES: unknown[] = [
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: {} } },
  { jsonrpc: '2.0', id: 'a', method: 'ping' },
  { jsonrpc: '2.0', id: 1.5, method: 'ping' },
  { jsonrpc: '2.0', id: 1, method: 'ping', extra: 1 },
  { jsonrpc: '1.0', id: 1, method: 'ping' },
  {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'c', version: '1' },
    },
  },
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18' } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 2 } },
  { jsonrpc: '2.0', id: 1, result: { content: [] } },
  { jsonrpc: '2.0', id: 1, result: 'not an object' },
  { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'bad' } },
  { jsonrpc: '2.0', error: { code: -32700, message: 'parse' } },
  { jsonrpc: '2.0', id: 1, error: { code: 'x', message: 'bad' } },
  { jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'both' } },
  { jsonrpc: '2.0', id: 1 },
  {},
  [],
  null,
  'text',
  7,
];

const GUARDS = [
  'isInitializeRequest',
  'isJSONRPCRequest',
  'isJSONRPCNotification',
  'isJSONRPCResultResponse',
  'isJSONRPCErrorResponse',
  'isJSONRPCResponse',
  'isJSONRPCError',
] as const;

type Guards = Record<(typeof GUARDS)[number], (value: unknown) => boolean>;

describe('the SDK type guards, key first', () => {
  const sdk = sdkTypes as unknown as Guards;
  const originals = Object.fromEntries(GUARDS.map((name) => [name, sdk[name]])) as Guards;
  beforeAll(() => expect(useKeyFirstTypeGuards()).toBe(true));
  afterAll(() => Object.assign(sdkTypes, originals));

  it('give the same answer as the SDK’s schema checks, for every kind of message', () => {
    for (const name of GUARDS) {
      expect(sdk[name]).not.toBe(originals[name]);
      for (const sample of SAMPLES)
        expect([name, sdk[name](sample)]).toEqual([name, originals[name](sample)]);
    }
  });

  it('run no schema for a message that lacks the key the schema requires', () => {
    const parses = [
      InitializeRequestSchema,
      JSONRPCResultResponseSchema,
      JSONRPCErrorResponseSchema,
      JSONRPCNotificationSchema,
    ].map((schema) => jest.spyOn(schema, 'safeParse'));
    try {
      const call = SAMPLES[0];
      expect(sdk.isInitializeRequest(call)).toBe(false);
      expect(sdk.isJSONRPCResultResponse(call)).toBe(false);
      expect(sdk.isJSONRPCErrorResponse(call)).toBe(false);
      expect(sdk.isJSONRPCNotification({ jsonrpc: '2.0', id: 1, result: {} })).toBe(false);
      for (const parse of parses) expect(parse).not.toHaveBeenCalled();
    } finally {
      for (const parse of parses) parse.mockRestore();
    }
  });
});

describe('readMessage', () => {
  it('reads what JSONRPCMessageSchema reads, with one schema per message', () => {
    const request = jest.spyOn(JSONRPCRequestSchema, 'safeParse');
    for (const sample of SAMPLES) {
      const union = JSONRPCMessageSchema.safeParse(sample);
      expect([sample, readMessage(sample)]).toEqual([
        sample,
        union.success ? union.data : undefined,
      ]);
    }
    // Only the messages with both `method` and `id` were read as requests.
    const requests = SAMPLES.filter(
      (s) => typeof s === 'object' && s !== null && 'method' in s && 'id' in s,
    );
    expect(request).toHaveBeenCalledTimes(requests.length);
    request.mockRestore();
  });
});

describe('serialise', () => {
  it('writes a prepared result as JSON.stringify would, and freezes it', () => {
    const result = prepared({ tools: [{ name: 'a', inputSchema: { type: 'object' } }] });
    const text = serialise({ jsonrpc: '2.0', id: 'x"y', result });
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', id: 'x"y', result });
    expect(Object.isFrozen(result)).toBe(true);
  });
});
