import { CircuitBreaker } from './circuit-breaker';
import { classifyError, retryAfterMs } from './classify-error';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { egressFetch } from './egress/egress-fetch';
import { WireMeter, withWireMeter } from './egress/wire-meter';
import { EgressError } from './provider-call.error';
import { costUsd } from './usage-cost';

const abort = { cancelled: false, timedOut: false, timeoutMs: 1000 };

describe('provider plumbing', () => {
  it('circuit: opens after N consecutive failures, half-opens after the reset, one trial at a time', () => {
    let now = 0;
    const breaker = new CircuitBreaker(2, 1000, () => now);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failure();
    breaker.success();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    now = 1000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.failure();
    expect(breaker.state).toBe('open');
    now = 2000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.success();
    expect(breaker.state).toBe('closed');
  });

  it('reads retry-after-ms, retry-after seconds and dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '2' }))).toBe(150);
    expect(
      retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000),
    ).toBe(6000);
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
  });

  it('classifies what the SDKs throw', () => {
    const status = (s: number, headers = new Headers()) =>
      Object.assign(new Error('x'), { status: s, headers });
    expect(
      classifyError('p', status(429, new Headers({ 'retry-after': '1' })), abort),
    ).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 1000,
    });
    expect(classifyError('p', status(529), abort).kind).toBe('server-error');
    expect(classifyError('p', status(404), abort).kind).toBe('client-error');
    expect(classifyError('p', new Error('socket hang up'), abort).kind).toBe('network');
    expect(classifyError('p', new Error('aborted'), { ...abort, timedOut: true }).kind).toBe(
      'timeout',
    );
    expect(classifyError('p', new Error('aborted'), { ...abort, cancelled: true }).kind).toBe(
      'cancelled',
    );
    const wrapped = Object.assign(new Error('Connection error.'), {
      cause: new EgressError('egress-refused', 'host x is not in LLM_ALLOWED_HOSTS'),
    });
    expect(classifyError('p', wrapped, abort)).toMatchObject({
      kind: 'egress-refused',
      message: 'host x is not in LLM_ALLOWED_HOSTS',
    });
  });

  it('egress: refuses a host outside the list and a body over the limit before connecting', async () => {
    let connected = 0;
    const base = (async () => {
      connected += 1;
      return new Response('{}');
    }) as typeof fetch;
    const guarded = egressFetch(
      { allows: (u) => u.hostname === 'api.openai.com', maxRequestBytes: 10 },
      base,
    );
    await expect(
      guarded('https://evil.example/v1/chat/completions', { method: 'POST', body: '{}' }),
    ).rejects.toMatchObject({
      kind: 'egress-refused',
    });
    await expect(
      guarded('https://api.openai.com/v1', { method: 'POST', body: 'x'.repeat(11) }),
    ).rejects.toMatchObject({
      kind: 'request-too-large',
    });
    expect(connected).toBe(0);
    await guarded('https://api.openai.com/v1', { method: 'POST', body: 'x'.repeat(10) });
    expect(connected).toBe(1);
  });

  it('egress: a body over the response limit is cut and reported', async () => {
    const base = (async () => new Response(new Uint8Array(100))) as typeof fetch;
    const guarded = egressFetch({ allows: () => true, maxResponseBytes: 50 }, base);
    const response = await guarded('https://api.openai.com/v1');
    await expect(response.arrayBuffer()).rejects.toMatchObject({ kind: 'response-too-large' });
  });

  it('prices usage per million tokens', () => {
    expect(costUsd(1_000_000, 0, 3, 15)).toBe(3);
    expect(costUsd(1000, 200, 3, 15)).toBe(0.006);
    expect(costUsd(10, 10, 0, 0)).toBe(0);
  });

  it('egress meter: a refused connection sent nothing; a response counts the bytes received', async () => {
    const guarded = egressFetch({ allows: () => true });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = new WireMeter();
    await expect(
      withWireMeter(refused, () =>
        guarded(`http://127.0.0.1:${port}/v1`, { method: 'POST', body: '{}' }),
      ),
    ).rejects.toThrow();
    expect(refused.sent).toBe(false);

    const server = createServer((_req, res) => res.end('x'.repeat(1000)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const meter = new WireMeter();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const text = await withWireMeter(meter, async () => (await guarded(url)).text());
      expect(text).toHaveLength(1000);
      expect(meter).toMatchObject({ sent: true, receivedBytes: 1000 });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
