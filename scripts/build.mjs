// Compiles apps/ and libs/ to dist/ with swc (type checking is `npm run typecheck`),
// rewrites the @techsapo/* aliases to relative paths, copies non-TypeScript assets, and
// writes dist/integrity-manifest.json: the SHA-256 of every built file, verified at run time.
import { transformFile } from '@swc/core';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, 'dist');
const sources = ['apps', 'libs'];
const ASSET = /\.(json|ya?ml|txt)$/;
export const MANIFEST = 'integrity-manifest.json';

const options = (file) => ({
  filename: file,
  sourceMaps: true,
  module: { type: 'commonjs' },
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
    baseUrl: root,
    paths: {
      '@techsapo/core': ['libs/core/src'],
      '@techsapo/detector': ['libs/detector/src'],
      '@techsapo/security': ['libs/security/src'],
      '@techsapo/audit': ['libs/audit/src'],
      '@techsapo/wall-bounce': ['libs/wall-bounce/src'],
      '@techsapo/mcp-proxy': ['libs/mcp-proxy/src'],
    },
  },
});

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

async function build() {
  await rm(out, { recursive: true, force: true });
  let compiled = 0;
  for (const top of sources) {
    for await (const file of walk(join(root, top))) {
      const rel = relative(root, file);
      if (file.endsWith('.spec.ts') || file.endsWith('.d.ts')) continue;
      if (file.endsWith('.ts')) {
        const { code, map } = await transformFile(file, options(file));
        const target = join(out, rel.replace(/\.ts$/, '.js'));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
        if (map) await writeFile(`${target}.map`, map);
        compiled += 1;
      } else if (ASSET.test(file)) {
        const target = join(out, rel);
        await mkdir(dirname(target), { recursive: true });
        await copyFile(file, target);
      }
    }
  }
  await writeManifest();
  process.stdout.write(`built ${compiled} modules into dist/\n`);
}

async function writeManifest() {
  const files = {};
  for await (const file of walk(out)) {
    const rel = relative(out, file);
    if (rel === MANIFEST) continue;
    files[rel] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  await writeFile(
    join(out, MANIFEST),
    JSON.stringify({ algorithm: 'sha256', files: sorted }, null, 2),
  );
}

build().catch((error) => {
  process.stderr.write(`build failed: ${error.message}\n`);
  process.exit(1);
});
