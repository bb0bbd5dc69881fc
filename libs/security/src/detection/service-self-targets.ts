import type { SelfTargets } from '@techsapo/detector';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { INTEGRITY_MANIFEST } from '../runtime/code-root';

export interface RunningService {
  /** The folder the running code was loaded from (see codeRoot). */
  codeRoot: string;
  /** DATA_DIR, as configured (relative to the working directory). */
  dataDir?: string;
  /** REDIS_KEY_PREFIX. */
  redisKeyPrefix?: string;
  /** The process title, when it names the service (not plain `node`). */
  processTitle?: string;
}

function packageName(installRoot: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(installRoot, 'package.json'), 'utf8')) as {
      name?: unknown;
    };
    return typeof pkg.name === 'string' ? pkg.name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What TechSapo itself is where it runs, for the detector: its install and code folders
 * (dist/ when built, the repository from sources), dependencies, data folder, .env, manifests,
 * Redis key prefix and process names, all read from the running service.
 */
export function serviceSelfTargets(service: RunningService): SelfTargets {
  const code = resolve(service.codeRoot);
  const installRoot = basename(code) === 'dist' ? dirname(code) : code;
  const name = packageName(installRoot);
  const title = service.processTitle?.trim();
  return {
    folders: [
      installRoot,
      code,
      join(installRoot, 'node_modules'),
      ...(service.dataDir ? [resolve(service.dataDir)] : []),
    ],
    files: [
      join(installRoot, '.env'),
      join(installRoot, 'package.json'),
      join(installRoot, 'package-lock.json'),
      join(code, INTEGRITY_MANIFEST),
    ],
    redisKeyPrefix: service.redisKeyPrefix,
    processNames: [
      ...(name ? [name] : []),
      ...(title && !/^(node|nodejs)$/.test(basename(title)) ? [title] : []),
    ],
  };
}
