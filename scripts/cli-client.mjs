// Generates the CLI's typed client types (apps/cli/src/api/schema.d.ts) with openapi-typescript
// from openapi.json, keeping only the operations the CLI calls and the schemas they reference,
// so the committed file stays small. `--check` exits 1 when the committed file is stale;
// `--source FILE` reads another document than openapi.json.
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const argument = (name) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const SOURCE = resolve(argument('--source') ?? join(root, 'openapi.json'));
export const TARGET = join(root, 'apps', 'cli', 'src', 'api', 'schema.d.ts');
/** The paths the CLI uses (prefixes). */
const CLI_PATHS = ['/api/v1/analyses', '/api/v1/auth/me'];

/** The document with only the CLI's paths and the component schemas they reach. */
export function prune(document) {
  const paths = Object.fromEntries(
    Object.entries(document.paths ?? {}).filter(([path]) =>
      CLI_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
    ),
  );
  const schemas = document.components?.schemas ?? {};
  const kept = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '');
        if (!kept.has(name) && schemas[name]) {
          kept.add(name);
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(paths);
  return {
    ...document,
    paths,
    components: {
      ...(document.components?.securitySchemes
        ? { securitySchemes: document.components.securitySchemes }
        : {}),
      // Declared response headers (Retry-After, RateLimit-*, …) the responses refer to.
      ...(document.components?.headers ? { headers: document.components.headers } : {}),
      schemas: Object.fromEntries([...kept].sort().map((name) => [name, schemas[name]])),
    },
  };
}

export async function generate() {
  const document = JSON.parse(await readFile(SOURCE, 'utf8'));
  // Defaults stay optional: a request body may leave out what the server defaults.
  const ast = await openapiTS(prune(document), { defaultNonNullable: false });
  const text = `// Written by npm run client (openapi-typescript) from openapi.json, the CLI operations only; do not edit.\n${astToString(ast)}`;
  return format(text, { ...(await resolveConfig(TARGET)), filepath: TARGET });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  generate()
    .then(async (text) => {
      if (check) {
        const current = await readFile(TARGET, 'utf8').catch(() => '');
        if (current !== text) {
          process.stderr.write(`${TARGET} is stale: run npm run client\n`);
          process.exit(1);
        }
        process.stdout.write('CLI client types are up to date\n');
        return;
      }
      await writeFile(TARGET, text);
      process.stdout.write(`wrote ${TARGET}\n`);
    })
    .catch((error) => {
      process.stderr.write(`client generation failed: ${error.message}\n`);
      process.exit(2);
    });
}
