import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package version, found from this file up (src/ in tests, dist/ when built). */
export function cliVersion(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'techsapo' && pkg.version) return pkg.version;
    } catch {
      // not here; look one folder up
    }
  }
  return '0.0.0';
}
