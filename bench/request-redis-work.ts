// The Redis work one authenticated request needs, without HTTP or Nest: the service's own stores
// (rate-limit counters, the session check, the address, user and session blocks), driven
// directly by this process as the pipeline drives them, as many at once as the gateway's load
// has connections (concurrent block lookups coalesce into one MGET, as in the service). Its CPU
// a request is a floor under this service's pipeline, whatever else that does; the gateway
// section sets it beside its goals.
import { RedisService, redisConfig } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import { BlocksStore } from '../libs/security/src/blocks/blocks.store';
import { SessionsStore } from '../libs/security/src/identity/sessions/sessions.store';
import { RateLimitStore } from '../libs/security/src/rate-limit/rate-limit.store';

const HOUR_MS = 3_600_000;
/** The default profile's windows, with limits no run reaches. */
const WINDOWS = [
  { name: 'burst', limit: 1e9, ttlMs: 1_000 },
  { name: 'minute', limit: 1e9, ttlMs: 60_000 },
  { name: 'hour', limit: 1e9, ttlMs: HOUR_MS },
];

export interface RedisWork {
  /** This process's CPU (user + system) per request, µs. */
  cpuUsPerRequest: number;
  requests: number;
}

/** Runs `requests` requests' Redis work, `concurrency` at a time, after a warm-up of as many. */
export async function measureRequestRedisWork(
  requests: number,
  concurrency: number,
): Promise<RedisWork> {
  const prefix = `benchfloor${randomBytes(4).toString('hex')}`;
  const redis = new RedisService(redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: prefix }));
  try {
    const counters = new RateLimitStore(redis);
    const sessions = new SessionsStore(redis);
    const blocks = new BlocksStore(redis);
    const userId = 'bench-user';
    const sessionId = randomBytes(18).toString('base64url');
    const now = Date.now();
    await sessions.insert(
      {
        id: sessionId,
        userId,
        username: 'bench',
        roles: ['admin'],
        permissions: ['read', 'analyze'],
        securityLevel: 'restricted',
        createdAt: new Date(now).toISOString(),
        lastSeenAt: new Date(now).toISOString(),
        expiresAt: new Date(now + HOUR_MS).toISOString(),
        ip: '127.0.0.0',
        userAgent: 'bench',
      },
      { keyTtlMs: HOUR_MS, maxPerUser: 5, setTtlMs: HOUR_MS },
    );
    const targets = [
      { kind: 'ip' as const, value: '127.0.0.1' },
      { kind: 'user' as const, value: userId },
      { kind: 'session' as const, value: sessionId },
    ];
    const one = async (): Promise<void> => {
      const [, session, block] = await Promise.all([
        counters.hit(`s:${sessionId}`, WINDOWS),
        sessions.check(userId, sessionId, Date.now()),
        blocks.inForce(targets),
      ]);
      if (!session || block) throw new Error('the bench session is not in good standing');
    };
    const run = async (count: number): Promise<void> => {
      let started = 0;
      const lane = async (): Promise<void> => {
        while (started < count) {
          started += 1;
          await one();
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
    };
    await run(requests);
    const before = process.cpuUsage();
    await run(requests);
    const used = process.cpuUsage(before);
    return { cpuUsPerRequest: (used.user + used.system) / requests, requests };
  } finally {
    await redis.deleteMatching(`${prefix}*`);
    await redis.onApplicationShutdown();
  }
}
