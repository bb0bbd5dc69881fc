const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id a client gave its request (X-Request-Id), kept only when it is short and of safe
 * characters. It is the client's claim, kept apart: the request id that the audit trail,
 * logs and problems carry is always the server's own.
 */
export function clientRequestIdFrom(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SAFE_REQUEST_ID.test(value) ? value : undefined;
}
