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

  it('with PORT=0 binds a free port and names that port, not 0, in its banner', async () => {
    const service = startService({
      PORT: '0',
      NODE_ENV: 'development',
      REDIS_KEY_PREFIX: `proc-any-${process.pid}`,
    });
    try {
      let started: { url?: string } | undefined;
      for (let i = 0; i < 400 && !started; i++) {
        await new Promise((r) => setTimeout(r, 50));
        // Whole lines only: the last may still be arriving.
        started = service
          .output()
          .split('\n')
          .slice(0, -1)
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { event?: string; url?: string })
          .find((record) => record.event === 'started');
      }
      const url = new URL(String(started?.url));
      expect(Number(url.port)).toBeGreaterThan(0);
      const live = await waitForHttp(`http://127.0.0.1:${url.port}/health/live`);
      expect(live.status).toBe(200);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
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
