import { lookup } from 'node:dns/promises';
import { isIP, LookupFunction } from 'node:net';
import { Agent, Dispatcher, request } from 'undici';

export interface HostLists {
  allow: string[];
  block: string[];
}

export class UpstreamUrlRefusedError extends Error {
  constructor(url: string, why: string) {
    super(`upstream URL refused (${redactUrl(url)}): ${why}`);
    this.name = 'UpstreamUrlRefusedError';
  }
}

/** The URL without credentials, query or fragment, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/**
 * A host pattern of MCP4: `docs.expo.dev` (that host), `*malicious-site.com` (any host ending
 * so), or `github.com/expo` (that host, paths under /expo).
 */
export function matchesHostPattern(url: URL, pattern: string): boolean {
  const p = pattern.trim().toLowerCase();
  if (!p) return false;
  const slash = p.indexOf('/');
  const hostPart = slash === -1 ? p : p.slice(0, slash);
  const pathPart = slash === -1 ? '' : p.slice(slash);
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const hostOk = hostPart.startsWith('*') ? host.endsWith(hostPart.slice(1)) : host === hostPart;
  if (!hostOk) return false;
  if (!pathPart) return true;
  const path = url.pathname.toLowerCase();
  return path === pathPart || path.startsWith(pathPart.endsWith('/') ? pathPart : `${pathPart}/`);
}

/** Loopback, private, link-local, unspecified and other non-public addresses (v4 and v6). */
export function isPrivateAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (isIP(a) === 4) {
    const [x, y] = a.split('.').map(Number);
    return (
      x === 0 ||
      x === 10 ||
      x === 127 ||
      (x === 100 && y >= 64 && y <= 127) ||
      (x === 169 && y === 254) ||
      (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168) ||
      (x === 198 && (y === 18 || y === 19)) ||
      x >= 224
    );
  }
  if (isIP(a) === 6) {
    if (a === '::' || a === '::1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (mapped) return isPrivateAddress(mapped[1]);
    return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(a);
  }
  return a === 'localhost' || a.endsWith('.localhost');
}

export type Resolver = (host: string) => Promise<string[]>;

const RESOLVES_PRIVATE = 'resolves to a loopback or private address';

/** A name that resolves to nothing public: no address, or any loopback or private one. */
function resolvesPrivately(addresses: string[]): boolean {
  return addresses.length === 0 || addresses.some(isPrivateAddress);
}

const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((r) => r.address);

/**
 * MCP4 on one URL, before each request and each redirect hop: the block list wins; a
 * non-empty allow list must match; in production, loopback and private addresses are
 * refused by name and by every address the name resolves to.
 */
export async function assertUpstreamUrl(
  raw: string,
  lists: HostLists,
  production: boolean,
  resolve: Resolver = systemResolver,
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UpstreamUrlRefusedError(raw, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UpstreamUrlRefusedError(raw, `scheme ${url.protocol} not allowed`);
  if (url.username || url.password)
    throw new UpstreamUrlRefusedError(raw, 'credentials in the URL are not allowed');
  if (lists.block.some((p) => matchesHostPattern(url, p)))
    throw new UpstreamUrlRefusedError(raw, 'host is blocked');
  if (lists.allow.length > 0 && !lists.allow.some((p) => matchesHostPattern(url, p)))
    throw new UpstreamUrlRefusedError(raw, 'host is not on the allow list');
  if (production) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isPrivateAddress(host))
      throw new UpstreamUrlRefusedError(raw, 'loopback or private host in production');
    const addresses = isIP(host) ? [host] : await resolve(host);
    if (resolvesPrivately(addresses)) throw new UpstreamUrlRefusedError(raw, RESOLVES_PRIVATE);
  }
  return url;
}

/**
 * The DNS lookup of every connection to an upstream in production: the addresses the socket
 * will use are the ones checked, so a name that answers a public address to the check and a
 * private one to the connection (DNS rebinding) is refused all the same.
 */
export function publicOnlyLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        if (resolvesPrivately(addresses)) {
          const error = new UpstreamUrlRefusedError(`http://${hostname}/`, RESOLVES_PRIVATE);
          return callback(error as NodeJS.ErrnoException, '', 0);
        }
        const found = addresses.map((address) => ({ address, family: isIP(address) }));
        const wanted = options.family ? found.filter((a) => a.family === options.family) : found;
        if (wanted.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`no IPv${options.family} address`);
          error.code = 'ENOTFOUND';
          return callback(error, '', 0);
        }
        if (options.all) return callback(null, wanted);
        callback(null, wanted[0].address, wanted[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

const MAX_REDIRECTS = 3;

/** One request to an upstream, as undici takes it. */
export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Ms without a byte of the body before the request fails (0: never, for a stream). */
  bodyTimeout?: number;
}

/** The HTTP client of one upstream: its requests, and the connections it keeps. */
export interface GuardedHttp {
  request(url: string, init: UpstreamRequest): Promise<Dispatcher.ResponseData>;
  /** Ends its connections, and the requests still on them. */
  close(): Promise<void>;
}

/**
 * The HTTP client an upstream's transport uses (undici's `request` on a keep-alive `Agent` of
 * its own): every request and every redirect target passes assertUpstreamUrl; redirects are
 * followed here (at most 3; 307/308 only for a request other than GET, which keep its method
 * and body), never by undici itself. In production its connections resolve names through
 * publicOnlyLookup.
 */
export function guardedHttp(
  lists: HostLists,
  production: boolean,
  resolve?: Resolver,
): GuardedHttp {
  const agent = new Agent(production ? { connect: { lookup: publicOnlyLookup(resolve) } } : {});
  return {
    async request(input, init) {
      let url = input;
      for (let hop = 0; ; hop += 1) {
        await assertUpstreamUrl(url, lists, production, resolve);
        const response = await request(url, { ...init, dispatcher: agent });
        const { location } = response.headers;
        const status = response.statusCode;
        if (status < 300 || status >= 400 || typeof location !== 'string') return response;
        await response.body.dump();
        if (hop >= MAX_REDIRECTS) throw new UpstreamUrlRefusedError(url, 'too many redirects');
        if (status !== 307 && status !== 308 && init.method !== 'GET')
          throw new UpstreamUrlRefusedError(url, `redirect ${status} would change the request`);
        url = new URL(location, url).toString();
      }
    },
    close: () => agent.destroy(),
  };
}
