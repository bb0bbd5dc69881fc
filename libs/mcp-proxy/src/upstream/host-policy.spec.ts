import { getEventListeners } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  assertUpstreamUrl,
  guardedHttp,
  isPrivateAddress,
  matchesHostPattern,
  publicOnlyLookup,
} from './host-policy';

const none = { allow: [], block: [] };
const resolvesTo =
  (...addresses: string[]) =>
  async (): Promise<string[]> =>
    addresses;

describe('upstream host policy (MCP4)', () => {
  it('matches the seed patterns: exact hosts, *suffixes and host/path prefixes', () => {
    expect(matchesHostPattern(new URL('https://docs.expo.dev/x'), 'docs.expo.dev')).toBe(true);
    expect(
      matchesHostPattern(new URL('https://evil.malicious-site.com'), '*malicious-site.com'),
    ).toBe(true);
    expect(matchesHostPattern(new URL('https://github.com/expo/expo'), 'github.com/expo')).toBe(
      true,
    );
    expect(matchesHostPattern(new URL('https://github.com/expose'), 'github.com/expo')).toBe(false);
    expect(matchesHostPattern(new URL('https://docs.expo.dev.evil.com'), 'docs.expo.dev')).toBe(
      false,
    );
  });

  it('knows loopback and private addresses, v4, v6 and mapped', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      'localhost',
    ])
      expect(isPrivateAddress(a)).toBe(true);
    for (const a of ['8.8.8.8', '172.32.0.1', '2606:4700::1111'])
      expect(isPrivateAddress(a)).toBe(false);
  });

  it('refuses blocked hosts, hosts off a non-empty allow list, and credentials in URLs', async () => {
    const lists = { allow: ['docs.expo.dev'], block: ['*malicious-site.com'] };
    await expect(
      assertUpstreamUrl('https://docs.expo.dev/mcp', lists, false),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      assertUpstreamUrl('https://a.malicious-site.com/mcp', lists, false),
    ).rejects.toThrow(/blocked/);
    await expect(assertUpstreamUrl('https://example.com/mcp', lists, false)).rejects.toThrow(
      /allow list/,
    );
    await expect(assertUpstreamUrl('https://u:p@docs.expo.dev/mcp', lists, false)).rejects.toThrow(
      /credentials/,
    );
    await expect(assertUpstreamUrl('file:///etc/passwd', none, false)).rejects.toThrow(/scheme/);
  });

  it('in production refuses loopback by name and by resolved address', async () => {
    await expect(assertUpstreamUrl('http://127.0.0.1:3001/mcp', none, true)).rejects.toThrow(
      /loopback/,
    );
    await expect(assertUpstreamUrl('http://localhost/mcp', none, true)).rejects.toThrow(/loopback/);
    await expect(
      assertUpstreamUrl(
        'https://rebind.example/mcp',
        none,
        true,
        resolvesTo('93.184.216.34', '127.0.0.1'),
      ),
    ).rejects.toThrow(/resolves/);
    await expect(
      assertUpstreamUrl('https://ok.example/mcp', none, true, resolvesTo('93.184.216.34')),
    ).resolves.toBeInstanceOf(URL);
    // Outside production, loopback upstreams are fine (development, tests).
    await expect(
      assertUpstreamUrl('http://127.0.0.1:3001/mcp', none, false),
    ).resolves.toBeInstanceOf(URL);
  });

  it('in production checks the addresses each connection uses', async () => {
    type Answer = { error: Error | null; address: unknown; family?: number };
    const ask = (addresses: string[], options: { all?: boolean; family?: number }) =>
      new Promise<Answer>((resolve) =>
        publicOnlyLookup(resolvesTo(...addresses))(
          'mcp.example',
          options,
          (error, address, family) => resolve({ error, address, family }),
        ),
      );
    expect(await ask(['93.184.216.34', '2606:2800:220:1::1'], { all: true })).toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await ask(['2606:2800:220:1::1', '93.184.216.34'], { family: 4 })).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
    const refused = await ask(['93.184.216.34', '10.0.0.7'], { all: true });
    expect(refused.error?.message).toMatch(/resolves to a loopback or private address/);
  });

  describe('redirects', () => {
    let server: Server;
    let base: string;
    let requests = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        requests += 1;
        if (req.url === '/to-blocked')
          res.writeHead(307, { location: 'http://localhost.malicious-site.com/x' }).end();
        else if (req.url === '/to-self') res.writeHead(307, { location: '/final' }).end();
        else if (req.url === '/loop') res.writeHead(308, { location: '/loop' }).end();
        else if (req.url === '/see-other') res.writeHead(303, { location: '/final' }).end();
        else res.writeHead(200).end('ok');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("leaves no listener per request on the caller's long-lived signal", async () => {
      const http = guardedHttp({ allow: [], block: [] }, false);
      const controller = new AbortController();
      for (let i = 0; i < 30; i += 1) {
        const response = await http.request(`${base}/final`, {
          method: 'POST',
          headers: {},
          body: '{}',
          signal: controller.signal,
        });
        await response.body.text();
      }
      expect(getEventListeners(controller.signal, 'abort').length).toBeLessThan(5);
      await http.close();
    });

    it('in production refuses a name that rebinds to loopback between check and connection', async () => {
      const answers = [['93.184.216.34'], ['127.0.0.1']];
      const rebinding = async (): Promise<string[]> => answers.shift() ?? ['127.0.0.1'];
      const http = guardedHttp(none, true, rebinding);
      const before = requests;
      const port = (server.address() as AddressInfo).port;
      const failure = await http
        .request(`http://rebind.example:${port}/final`, { method: 'POST', headers: {}, body: '{}' })
        .catch((error: Error) => error);
      expect((failure as Error).message).toMatch(/resolves to a loopback or private address/);
      expect(answers).toHaveLength(0); // checked once by name, once by the connection
      expect(requests).toBe(before);
      await http.close();
    });

    it('checks every hop and follows only allowed ones', async () => {
      const http = guardedHttp({ allow: [], block: ['*malicious-site.com'] }, false);
      const post = { method: 'POST', headers: {}, body: '{}' } as const;
      await expect(http.request(`${base}/to-blocked`, post)).rejects.toThrow(/blocked/);
      const ok = await http.request(`${base}/to-self`, post);
      expect(await ok.body.text()).toBe('ok');
      await http.close();
    });

    it('follows at most 3 redirects, and only 307/308 for a request other than GET', async () => {
      const http = guardedHttp(none, false);
      const post = { method: 'POST', headers: {}, body: '{}' } as const;
      await expect(http.request(`${base}/loop`, post)).rejects.toThrow(/too many redirects/);
      await expect(http.request(`${base}/see-other`, post)).rejects.toThrow(
        /redirect 303 would change the request/,
      );
      const get = await http.request(`${base}/see-other`, { method: 'GET', headers: {} });
      expect(await get.body.text()).toBe('ok');
      await http.close();
    });
  });
});
