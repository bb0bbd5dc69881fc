import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { asBackgroundWork, redisConfig, RedisService, type RedisConnection } from '@techsapo/core';
import { Cluster } from 'ioredis';

/** A connection's bound on each command (a cluster passes it to its nodes). */
function commandTimeout(connection: RedisConnection): number {
  const options =
    connection instanceof Cluster ? (connection.options.redisOptions ?? {}) : connection.options;
  return options.commandTimeout ?? Number.POSITIVE_INFINITY;
}

/**
 * RedisService against the real Redis of the suite: the connection a command takes (a
 * request's, bounded by the command timeout, or background work's own), scripts defined on
 * both, keys under the prefix, readiness, and shutdown of every connection it opened.
 */
describe('RedisService', () => {
  const keyPrefix = `t${randomBytes(4).toString('hex')}`;
  let redis: RedisService;

  beforeAll(() => {
    redis = new RedisService(redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: keyPrefix }));
  });
  afterAll(async () => {
    await redis.deleteMatching(`${keyPrefix}:*`);
    await redis.onApplicationShutdown();
  });

  it('builds keys under its prefix, with hash tags for parts that share a slot', () => {
    expect(redis.key('sessions', 'u1')).toBe(`${keyPrefix}:sessions:u1`);
    expect(redis.key(redis.hashTag('audit'), 'stream')).toBe(`${keyPrefix}:{audit}:stream`);
    expect(redis.queuePrefix('analysis')).toBe(`${keyPrefix}:{analysis}`);
  });

  it('gives background work a connection of its own, and requests the bounded one', async () => {
    const request = redis.client;
    const background = await asBackgroundWork(async () => redis.client);
    expect(background).not.toBe(request);
    // The same connection for all background work, and never outside it.
    expect(await asBackgroundWork(async () => redis.client)).toBe(background);
    expect(redis.client).toBe(request);
    expect(commandTimeout(request)).toBeLessThan(commandTimeout(background));
  });

  it('defines a script on every command connection, present and opened later', async () => {
    const key = redis.key('counter');
    redis.defineCommand('bumpBy', {
      numberOfKeys: 1,
      lua: "return redis.call('INCRBY', KEYS[1], ARGV[1])",
    });
    type Bump = { bumpBy(key: string, by: number): Promise<number> };
    expect(await (redis.client as unknown as Bump).bumpBy(key, 2)).toBe(2);
    const later = await asBackgroundWork(() => (redis.client as unknown as Bump).bumpBy(key, 3));
    expect(later).toBe(5);
  });

  it('reports readiness and finds its keys with SCAN', async () => {
    await redis.client.set(redis.key('scan', 'a'), '1');
    await redis.client.set(redis.key('scan', 'b'), '1');
    expect(redis.connected).toBe(true);
    expect(await redis.ping()).toBe(true);
    const found: string[] = [];
    for await (const keys of redis.scan(`${keyPrefix}:scan:*`)) found.push(...keys);
    expect(found.sort()).toEqual([redis.key('scan', 'a'), redis.key('scan', 'b')]);
    expect(await redis.deleteMatching(`${keyPrefix}:scan:*`)).toBe(2);
  });

  it('closes every connection it opened at shutdown', async () => {
    const own = new RedisService(redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: keyPrefix }));
    const request = own.client;
    const background = await asBackgroundWork(async () => own.client);
    await request.ping();
    await background.ping();
    const ended = Promise.all([once(request, 'end'), once(background, 'end')]);
    await own.onApplicationShutdown();
    await ended;
    expect([request.status, background.status]).toEqual(['end', 'end']);
  });

  it('leaves alone at shutdown a connection its owner has just quit', async () => {
    const own = new RedisService(redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: keyPrefix }));
    const subscriber = own.createConnection('subscriber');
    await subscriber.subscribe(own.key('channel'));
    await subscriber.quit();
    const disconnect = jest.spyOn(subscriber, 'disconnect');
    await own.onApplicationShutdown();
    expect(subscriber.status).toBe('end');
    expect(disconnect).not.toHaveBeenCalled();
  });
});
