import { EgressError } from '../provider-call.error';
import { currentWireMeter, isConnectFailure, type WireMeter } from './wire-meter';

/** SM4: what may be sent to a provider and read back. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
export const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

export type Fetch = typeof fetch;

export interface EgressRules {
  /** Checked before any connection is made. */
  allows(url: URL): boolean;
  maxRequestBytes?: number;
  maxResponseBytes?: number;
}

/**
 * The fetch handed to the SDKs: refuses hosts outside the allow-list and bodies over the
 * request limit before connecting, never follows redirects (a redirect could leave the
 * allow-list), and cuts response bodies (streams too) at the response limit. The attempt's
 * meter learns whether the request left and how many bytes came back.
 */
export function egressFetch(rules: EgressRules, base: Fetch = fetch): Fetch {
  const maxRequest = rules.maxRequestBytes ?? MAX_REQUEST_BYTES;
  const maxResponse = rules.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  return async (input, init) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    if (!rules.allows(url)) {
      throw new EgressError('egress-refused', `host ${url.hostname} is not in LLM_ALLOWED_HOSTS`);
    }
    const size = bodyBytes(init?.body);
    if (size > maxRequest) {
      throw new EgressError('request-too-large', `request of ${size} bytes exceeds ${maxRequest}`);
    }
    const meter = currentWireMeter();
    if (meter) meter.sent = true;
    let response: Response;
    try {
      response = await base(input, { ...init, redirect: 'error' });
    } catch (error) {
      if (meter && isConnectFailure(error)) meter.sent = false;
      throw error;
    }
    return limitBody(response, maxResponse, meter);
  };
}

function bodyBytes(body: unknown): number {
  if (body === undefined || body === null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  // The SDKs send JSON strings; anything else (a stream) cannot be measured up front.
  return Number.POSITIVE_INFINITY;
}

function limitBody(response: Response, max: number, meter?: WireMeter): Response {
  const tooLarge = (): EgressError =>
    new EgressError('response-too-large', `response cut at ${max} bytes`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    void response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return response;
  let seen = 0;
  const limited = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (meter) meter.receivedBytes = Math.min(seen, max);
        if (seen > max) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(limited, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
