import { createHmac } from 'node:crypto';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT built by hand, for tests that present what an attacker would. */
export function forgeToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  hmacKey?: string | Buffer,
): string {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  const signature = hmacKey
    ? createHmac('sha256', hmacKey).update(unsigned).digest('base64url')
    : '';
  return `${unsigned}.${signature}`;
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<
    string,
    unknown
  >;
}
