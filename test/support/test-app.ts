import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CheckpointFile } from '@techsapo/audit';
import { RedisService } from '@techsapo/core';
import { rm } from 'node:fs/promises';
import { removeKeys } from './redis-cleanup';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import { createApp } from '../../apps/api/src/bootstrap/create-app';
import { buildOpenApiDocument } from '../../apps/api/src/bootstrap/swagger';
import { ContractChecker } from './contract';

export interface SentResponse {
  requestId: string;
  method: string;
  url: string;
  status: number;
}

export interface TestApp {
  app: NestFastifyApplication;
  server: Server;
  prefix: string;
  redis: RedisService;
  contract: ContractChecker;
  /** Every response the app sent, in order (support/audit.ts checks each has its entry). */
  responses: SentResponse[];
  /** The bootstrap admin (ADMIN_USERNAME/ADMIN_PASSWORD); see support/auth.ts for tokens. */
  admin: { username: string; password: string };
  close(): Promise<void>;
}

/**
 * The real application (createApp, as main.ts builds it) on a real Redis, under a key
 * prefix of its own so test files never see each other's data. `env` is applied to
 * process.env for the app's lifetime.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  // A test that restarts the app on the same data passes its REDIS_KEY_PREFIX (and DATA_DIR).
  const prefix = env.REDIS_KEY_PREFIX ?? `t${randomBytes(4).toString('hex')}`;
  const previous = { ...process.env };
  // A bootstrap admin and a fixed signing secret unless the test chooses its own; rate limits
  // and login bans high enough that only tests about them meet them; the bundled provider
  // simulator (instant) where a test names no providers, as in development.
  const defaults = {
    WALL_BOUNCE_SIMULATOR: 'on',
    WALL_BOUNCE_SIMULATOR_LATENCY_MS: '0',
    RATE_LIMIT_BURST: '10000',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_HOUR: '1000000',
    LOGIN_MAX_FAILURES: '1000',
    // A scrape's reads from Redis get more time than in production: test machines are shared.
    METRICS_COLLECT_TIMEOUT_MS: '2000',
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: `admin-${randomBytes(12).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('base64url'),
  };
  Object.assign(process.env, { REDIS_KEY_PREFIX: prefix }, defaults, env);
  const admin = {
    username: process.env.ADMIN_USERNAME ?? defaults.ADMIN_USERNAME,
    password: process.env.ADMIN_PASSWORD ?? defaults.ADMIN_PASSWORD,
  };
  forgetAppMetrics();
  const app = await createApp();
  const contract = new ContractChecker(buildOpenApiDocument(app) as never);
  const fastify = app.getHttpAdapter().getInstance();
  // Every response any e2e test provokes is checked against the OpenAPI document.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    contract.check(
      request.method,
      request.routeOptions?.url,
      reply.statusCode,
      String(reply.getHeader('content-type') ?? ''),
      payload,
    );
    done(null, payload);
  });
  const responses: SentResponse[] = [];
  fastify.addHook('onResponse', (request, reply, done) => {
    responses.push({
      requestId: request.state?.requestId ?? String(request.id),
      method: request.method,
      url: request.url,
      status: reply.statusCode,
    });
    done();
  });
  await fastify.ready();
  const redis = app.get(RedisService);
  return {
    app,
    server: app.getHttpServer() as Server,
    prefix,
    redis,
    contract,
    responses,
    admin,
    async close() {
      const checkpoints = app.get(CheckpointFile).path;
      await app.close();
      // After the app: its shutdown hooks still write (the audit flush, last-used times).
      await removeKeys(prefix);
      // The audit checkpoints of this prefix, unless the test keeps a DATA_DIR of its own.
      if (env.DATA_DIR === undefined) await rm(checkpoints, { force: true });
      process.env = previous;
      if (contract.violations.length > 0) {
        throw new Error(
          `responses that break the OpenAPI contract:\n${contract.violations.join('\n')}`,
        );
      }
    },
  };
}

/** Several apps may start in one test file: each registers the techsapo_* metrics anew. */
function forgetAppMetrics(): void {
  for (const metric of register.getMetricsAsArray()) {
    if (metric.name.startsWith('techsapo_')) register.removeSingleMetric(metric.name);
  }
}

/** Has the app listen on a free loopback port (for clients that need a URL); its base URL. */
export async function listenOnLoopback(t: TestApp): Promise<string> {
  await new Promise<void>((resolve) => t.server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
}
