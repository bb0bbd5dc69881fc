import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { ConfigurationError, appConfig, describeError } from '@techsapo/core';
import { createApp } from './bootstrap/create-app';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await createApp();
  const config = appConfig.read(process.env);
  await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl || `http://localhost:${config.port}`;
  stopOnSignals(app, config.shutdownTimeoutMs);
  process.stdout.write(
    `TechSapo (${config.env}, role ${config.role}) is listening on ${base}\n` +
      `  API      ${base}/api/v1\n  Docs     ${base}/docs\n  Metrics  ${base}/metrics\n  Health   ${base}/health/ready\n`,
  );
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests and running jobs finish
 * (every module's shutdown hook), close Redis, then exit 0; exit 1 if that takes too long.
 */
function stopOnSignals(app: INestApplication, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received: shutting down\n`);
    const force = setTimeout(() => {
      process.stderr.write(`shutdown did not finish within ${timeoutMs} ms\n`);
      process.exit(1);
    }, timeoutMs);
    force.unref();
    app.close().then(
      () => {
        process.stdout.write('shutdown complete\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${describeError(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`TechSapo failed to start: ${describeError(error)}\n`);
  }
  process.exit(1);
});
