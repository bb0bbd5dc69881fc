import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RedisService } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { register } from 'prom-client';
import { createApp } from '../../apps/api/src/bootstrap/create-app';
import { buildOpenApiDocument } from '../../apps/api/src/bootstrap/swagger';
import { ContractChecker } from './contract';

export interface TestApp {
  app: NestFastifyApplication;
  server: Server;
  prefix: string;
  redis: RedisService;
  contract: ContractChecker;
  close(): Promise<void>;
}

/**
 * The real application (createApp, as main.ts builds it) on a real Redis, under a key
 * prefix of its own so test files never see each other's data. `env` is applied to
 * process.env for the app's lifetime.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const previous = { ...process.env };
  Object.assign(process.env, { REDIS_KEY_PREFIX: prefix }, env);
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
  await fastify.ready();
  const redis = app.get(RedisService);
  return {
    app,
    server: app.getHttpServer() as Server,
    prefix,
    redis,
    contract,
    async close() {
      await redis.deleteMatching(`${prefix}*`);
      await app.close();
      process.env = previous;
      if (process.env.CONTRACT_CHECK === '1' && contract.violations.length > 0) {
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
