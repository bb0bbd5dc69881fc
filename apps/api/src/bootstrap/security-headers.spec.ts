import helmet from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { helmetHeaders } from './security-headers';

/** What helmet's middleware itself sets on a real response. */
function setByHelmet(options: Parameters<typeof helmet>[0]): Record<string, string> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  helmet(options)(request, response, () => undefined);
  return Object.fromEntries(
    Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]),
  );
}

describe('helmetHeaders', () => {
  it('is the set helmet writes, for the defaults and for our options', () => {
    expect(helmetHeaders({})).toEqual(setByHelmet({}));
    const options = { hsts: false, xFrameOptions: { action: 'deny' as const } };
    expect(helmetHeaders(options)).toEqual(setByHelmet(options));
  });

  it('sends our CSP and no HSTS (added only over TLS)', () => {
    const headers = helmetHeaders();
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toBeUndefined();
  });
});
