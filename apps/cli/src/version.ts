import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The CLI's package, apps/cli/package.json (also in its npm package and in dist/). */
export const CLI_PACKAGE = '@techsapo/cli';

/**
 * The CLI package's version, found from this file up: src/ in tests, dist/apps/cli/src when
 * built with the service, dist/ of the bundled package (apps/cli or an installed copy).
 */
export function cliVersion(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === CLI_PACKAGE && pkg.version) return pkg.version;
    } catch {
      // not here; look one folder up
    }
  }
  return '0.0.0';
}
