// Generates the typed client types of the CLI (apps/cli/src/api/schema.d.ts) and of the console
// (apps/console/src/api/schema.d.ts) with openapi-typescript from openapi.json, each keeping only
// what its client uses (the CLI: its operations; the console: the schemas it reads) and the
// schemas they reference, so the committed files stay small. `--check` exits 1 when a committed file is stale; `--source FILE` reads another document
// than openapi.json.
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const argument = (name) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const SOURCE = resolve(argument('--source') ?? join(root, 'openapi.json'));

/** Each client: where its types go, and the paths (prefixes) it calls or the schemas it reads. */
export const CLIENTS = [
  {
    name: 'CLI',
    target: join(root, 'apps', 'cli', 'src', 'api', 'schema.d.ts'),
    paths: ['/api/v1/analyses', '/api/v1/auth/me'],
  },
  {
    name: 'console',
    target: join(root, 'apps', 'console', 'src', 'api', 'schema.d.ts'),
    paths: [],
    schemas: [
      'AnalysisDto',
      'AnalysisListDto',
      'ApiKeyListDto',
      'AuditPageDto',
      'AuditVerifyDto',
      'BlockListDto',
      'ConsoleSessionDto',
      'CreatedApiKeyDto',
      'McpServerListDto',
      'McpToolListDto',
      'ProblemDetails',
      'ReadinessDto',
      'SessionListDto',
      'UserListDto',
    ],
  },
];

/** The document with only the given paths and schemas, and the component schemas they reach. */
export function prune(document, prefixes, roots = []) {
  const paths = Object.fromEntries(
    Object.entries(document.paths ?? {}).filter(([path]) =>
      prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
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
  visit(roots.map((name) => ({ $ref: `#/components/schemas/${name}` })));
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

export async function generate(client, document) {
  // Defaults stay optional: a request body may leave out what the server defaults.
  const ast = await openapiTS(prune(document, client.paths, client.schemas), {
    defaultNonNullable: false,
  });
  const text = `// Written by npm run client (openapi-typescript) from openapi.json, what the ${client.name} uses only; do not edit.\n${astToString(ast)}`;
  return format(text, { ...(await resolveConfig(client.target)), filepath: client.target });
}

async function main() {
  const check = process.argv.includes('--check');
  const document = JSON.parse(await readFile(SOURCE, 'utf8'));
  let stale = false;
  for (const client of CLIENTS) {
    const text = await generate(client, document);
    const name = relative(root, client.target);
    if (!check) {
      await writeFile(client.target, text);
      process.stdout.write(`wrote ${name}\n`);
    } else if ((await readFile(client.target, 'utf8').catch(() => '')) !== text) {
      process.stderr.write(`${name} is stale: run npm run client\n`);
      stale = true;
    }
  }
  if (stale) process.exit(1);
  if (check) process.stdout.write('client types are up to date\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    process.stderr.write(`client generation failed: ${error.message}\n`);
    process.exit(2);
  });
}
