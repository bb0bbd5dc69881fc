import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { createApp } from './bootstrap/create-app';
import { openApiJson } from './bootstrap/swagger';

/**
 * `npm run openapi`: writes the OpenAPI document of the whole application (every role) to
 * openapi.json, the committed contract that the typed client and its staleness test use.
 */
async function main(): Promise<void> {
  process.env.ROLE = 'all';
  process.env.LOG_LEVEL ??= 'silent';
  const app = await createApp();
  try {
    writeFileSync(process.argv[2] ?? 'openapi.json', openApiJson(app));
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
