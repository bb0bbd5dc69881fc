import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ConfigurationError, appConfig, describeError, type AppConfig } from '@techsapo/core';
import { codeRoot } from '@techsapo/security';
import { PinoLogger } from 'nestjs-pino';
import { createApp } from './bootstrap/create-app';
import { mapStackTracesOnDemand } from './bootstrap/stack-traces';

/**
 * The process's own records (start, stop): at info, and shown at any LOG_LEVEL but silent,
 * as an operator needs them whatever else is filtered out.
 */
type Lifecycle = PinoLogger['logger'];
function lifecycleLogger(config: AppConfig): Lifecycle {
  const level = config.logLevel === 'silent' ? 'silent' : 'info';
  return PinoLogger.root.child({ context: 'TechSapo' }, { level });
}

async function main(): Promise<void> {
  mapStackTracesOnDemand(codeRoot());
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await createApp();
  const config = appConfig.read(process.env);
  await app.listen({ port: config.port, host: config.host });
  const logger = lifecycleLogger(config);
  stopOnSignals(app, logger, config.shutdownTimeoutMs);
  announce(logger, config, (app.getHttpServer().address() as AddressInfo).port);
}

/**
 * The start banner: one record with every address; one readable line too on a terminal. The
 * port is the one bound (PORT=0 binds any free port).
 */
function announce(logger: Lifecycle, config: AppConfig, port: number): void {
  const base = config.publicUrl || `http://localhost:${port}`;
  const urls = {
    api: `${base}/api/v1`,
    docs: `${base}/docs`,
    metrics: `${base}/metrics`,
    health: `${base}/health/ready`,
  };
  const summary = `TechSapo (${config.env}, role ${config.role}) is listening on ${base}`;
  logger.info({ event: 'started', env: config.env, role: config.role, url: base, urls }, summary);
  if (process.stdout.isTTY && config.logFormat === 'json')
    process.stdout.write(`${summary} — docs ${urls.docs}, health ${urls.health}\n`);
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests and running jobs finish
 * (every module's shutdown hook), close Redis, then exit 0; exit 1 if that takes too long.
 */
function stopOnSignals(app: INestApplication, logger: Lifecycle, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'stopping', signal }, `${signal} received: shutting down`);
    const force = setTimeout(() => {
      logger.fatal(
        { event: 'stop-timeout', timeoutMs },
        `shutdown did not finish within ${timeoutMs} ms`,
      );
      process.exit(1);
    }, timeoutMs);
    force.unref();
    app.close().then(
      () => {
        logger.info({ event: 'stopped' }, 'shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.fatal({ event: 'stop-failed' }, `shutdown failed: ${describeError(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  // Before the app (and its logger) exists: configuration errors name each bad variable.
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`TechSapo failed to start: ${describeError(error)}\n`);
  }
  process.exit(1);
});
