import Fastify from 'fastify';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeIdleConnectionsWhileClosing } from './drain';

/** A POST over the agent's keep-alive connection; resolves with the body. */
function post(port: number, path: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path, method: 'POST', agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('closing the HTTP server', () => {
  it('closes a keep-alive connection whose request ends after closing began', async () => {
    // Keep-alive far longer than the test: only closing the connection ends it in time.
    const fastify = Fastify({ keepAliveTimeout: 120_000 });
    closeIdleConnectionsWhileClosing(fastify);
    let entered!: () => void;
    let release!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    fastify.post('/slow', async () => {
      entered();
      await released;
      return 'done';
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const agent = new Agent({ keepAlive: true });
    try {
      const pending = post((fastify.server.address() as AddressInfo).port, '/slow', agent);
      await inHandler;
      const closed = fastify.close();
      // The server has stopped listening (closing began) before the request is answered.
      while (fastify.server.listening) await new Promise((resolve) => setImmediate(resolve));
      release();
      expect(await pending).toBe('done');
      await closed;
      expect(fastify.server.listening).toBe(false);
    } finally {
      agent.destroy();
    }
  }, 10_000);
});
