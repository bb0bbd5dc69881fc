// Compiles apps/ and libs/ to dist/ with swc (type checking is `npm run typecheck`),
// rewrites the @techsapo/* aliases to relative paths, copies non-TypeScript assets, builds the
// web console (apps/console, Vite) into dist/console, and writes dist/integrity-manifest.json:
// the SHA-256 of every built file, verified at run time.
// Then bundles the command line into apps/cli/dist/techsapo.js, the @techsapo/cli package.
import { transformFile } from '@swc/core';
import { build as bundle } from 'esbuild';
import { build as buildWeb } from 'vite';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, 'dist');
const sources = ['apps', 'libs'];
const ASSET = /\.(json|ya?ml|txt)$/;
/** Build output and installed packages inside a source folder (apps/cli/dist) are not sources. */
const NOT_SOURCES = new Set(['dist', 'node_modules']);
/** A file that starts with #! is a command: it keeps its execute bit on every build. */
const EXECUTABLE = 0o755;
const CLI = join(root, 'apps', 'cli');
/** The web console: a browser app, built by Vite (its vite.config.mts), not compiled by swc. */
const CONSOLE = join(root, 'apps', 'console');
export const MANIFEST = 'integrity-manifest.json';
/** The path aliases come from tsconfig.json, the one place they are declared. */
const tsconfig = JSON.parse(await readFile(join(root, 'tsconfig.json'), 'utf8'));

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
    paths: tsconfig.compilerOptions.paths,
  },
});

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_SOURCES.has(entry.name) && path !== CONSOLE) yield* walk(path);
    } else yield path;
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
        if (code.startsWith('#!')) await chmod(target, EXECUTABLE);
        if (map) await writeFile(`${target}.map`, map);
        compiled += 1;
      } else if (ASSET.test(file)) {
        const target = join(out, rel);
        await mkdir(dirname(target), { recursive: true });
        await copyFile(file, target);
      }
    }
  }
  await buildWeb({ configFile: join(CONSOLE, 'vite.config.mts') });
  await writeBuildInfo();
  await writeManifest();
  await bundleCli();
  process.stdout.write(
    `built ${compiled} modules and the console into dist/, the CLI into apps/cli/dist/\n`,
  );
}

/**
 * The CLI as one file with its dependencies inside (commander, openapi-fetch, the detector
 * and zod): `npm pack apps/cli` gives a package that installs without any other package.
 */
async function bundleCli() {
  const outfile = join(CLI, 'dist', 'techsapo.js');
  await rm(join(CLI, 'dist'), { recursive: true, force: true });
  await bundle({
    entryPoints: [join(CLI, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    tsconfig: join(root, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  await chmod(outfile, EXECUTABLE);
}

/** dist/build-info.json: what techsapo_build_info{version,commit} reports at run time. */
async function writeBuildInfo() {
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  let commit = process.env.SOURCE_COMMIT;
  if (!commit) {
    try {
      commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      commit = 'unknown'; // no git (a container build): pass SOURCE_COMMIT
    }
  }
  await writeFile(join(out, 'build-info.json'), `${JSON.stringify({ version, commit })}\n`);
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
