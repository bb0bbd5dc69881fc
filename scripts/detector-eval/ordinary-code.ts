import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Content the CLI sends at most (1 MiB of UTF-8 per analysis). */
const MAX_BYTES = 1024 * 1024;
/** Files taken from each package, in path order, so no package dominates the figure. */
const PER_PACKAGE = 120;

/**
 * The fixed selection of ordinary code the evaluation scans: this project's own sources
 * (apps, libs, scripts, bench; no tests or fixtures, which hold attack samples on purpose)
 * and well-known packages as `npm ci` installs them.
 */
export const ORDINARY_SOURCES: { label: string; dir: string; extensions: string[] }[] = [
  { label: 'techsapo', dir: 'apps', extensions: ['.ts'] },
  { label: 'techsapo', dir: 'libs', extensions: ['.ts'] },
  { label: 'techsapo', dir: 'scripts', extensions: ['.ts', '.mjs'] },
  { label: 'techsapo', dir: 'bench', extensions: ['.ts'] },
  { label: 'typescript', dir: 'node_modules/typescript/lib', extensions: ['.js'] },
  { label: 'rxjs', dir: 'node_modules/rxjs/src', extensions: ['.ts'] },
  { label: 'ioredis', dir: 'node_modules/ioredis/built', extensions: ['.js'] },
  { label: 'bull', dir: 'node_modules/bull/lib', extensions: ['.js'] },
  { label: 'fastify', dir: 'node_modules/fastify/lib', extensions: ['.js'] },
  { label: 'openai', dir: 'node_modules/openai/src', extensions: ['.ts'] },
  { label: '@anthropic-ai/sdk', dir: 'node_modules/@anthropic-ai/sdk/src', extensions: ['.ts'] },
  { label: 'zod', dir: 'node_modules/zod/src', extensions: ['.ts'] },
  { label: 'ajv', dir: 'node_modules/ajv/lib', extensions: ['.ts'] },
  { label: '@nestjs/core', dir: 'node_modules/@nestjs/core', extensions: ['.js'] },
  { label: '@nestjs/common', dir: 'node_modules/@nestjs/common', extensions: ['.js'] },
  { label: 'commander', dir: 'node_modules/commander/lib', extensions: ['.js'] },
  { label: 'undici', dir: 'node_modules/undici/lib', extensions: ['.js'] },
  { label: 'pino', dir: 'node_modules/pino/lib', extensions: ['.js'] },
];

const SKIPPED = /(\.spec\.ts|\.d\.ts|\.d\.mts|\.min\.js)$/;

function walk(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue; // a package's own dependencies are not the package
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) walk(path, out);
    else if (stat.size <= MAX_BYTES) out.push(path);
  }
}

export interface OrdinaryFile {
  label: string;
  path: string;
  text: string;
}

export function ordinaryFiles(): OrdinaryFile[] {
  const files: OrdinaryFile[] = [];
  for (const source of ORDINARY_SOURCES) {
    const found: string[] = [];
    walk(join(ROOT, source.dir), found);
    const kept = found.filter(
      (path) => source.extensions.some((ext) => path.endsWith(ext)) && !SKIPPED.test(path),
    );
    const chosen = source.label === 'techsapo' ? kept : kept.slice(0, PER_PACKAGE);
    for (const path of chosen) {
      files.push({
        label: source.label,
        path: relative(ROOT, path),
        text: readFileSync(path, 'utf8'),
      });
    }
  }
  return files;
}
