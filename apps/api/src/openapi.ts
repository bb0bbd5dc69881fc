import 'reflect-metadata';
import { RedisService, describeError } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createApp } from './bootstrap/create-app';
import { openApiJson } from './bootstrap/swagger';

/**
 * `npm run openapi`: writes the OpenAPI document of the whole application (every role) to
 * openapi.json, the committed contract that the typed client and its staleness test use.
 * The app boots under a throwaway key prefix so that nothing it creates at start-up (the
 * bootstrap admin) stays in the developer's Redis.
 */
async function main(): Promise<void> {
  const prefix = `openapi-${randomBytes(4).toString('hex')}`;
  Object.assign(process.env, {
    ROLE: 'all',
    REDIS_KEY_PREFIX: prefix,
    ADMIN_USERNAME: 'openapi',
    ADMIN_PASSWORD: randomBytes(24).toString('base64url'),
  });
  process.env.LOG_LEVEL ??= 'silent';
  const app = await createApp();
  try {
    writeFileSync(process.argv[2] ?? 'openapi.json', openApiJson(app));
  } finally {
    await app.get(RedisService).deleteMatching(`${prefix}*`);
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi: ${describeError(error)}\n`);
  process.exit(1);
});
