import { freePort, startService, waitForHttp } from './support/processes';

describe('the service process', () => {
  it('starts, becomes ready, prints where it is, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const service = startService({
      PORT: String(port),
      NODE_ENV: 'development',
      REDIS_KEY_PREFIX: `proc${port}`,
    });
    try {
      const ready = await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
      expect(await ready.json()).toMatchObject({ status: 'ok' });
      expect(service.output()).toContain(`/docs`);
      expect(service.output()).toContain(`/metrics`);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      expect(service.output()).toContain('shutdown complete');
    } finally {
      service.child.kill('SIGKILL');
    }
  });

  it('refuses to start in production with a weak JWT_SECRET, naming it', async () => {
    const service = startService({ NODE_ENV: 'production', JWT_SECRET: 'short' });
    expect(await service.exited).not.toBe(0);
    expect(service.output()).toContain('JWT_SECRET');
    expect(service.output()).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('names every invalid variable in one message', async () => {
    const service = startService({
      NODE_ENV: 'production',
      JWT_SECRET: 'changeme',
      PORT: 'eighty',
      ROLE: 'boss',
    });
    expect(await service.exited).toBe(1);
    const firstLine = service
      .output()
      .split('\n')
      .find((l) => l.startsWith('Invalid configuration'));
    expect(firstLine).toBeDefined();
    for (const name of ['JWT_SECRET', 'PORT', 'ROLE']) expect(firstLine).toContain(name);
  });

  it('refuses placeholder secrets in production even when long enough', async () => {
    const service = startService({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(64) });
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('JWT_SECRET');
  });
});
