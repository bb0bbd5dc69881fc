import { resolve } from 'node:path';

/**
 * The folder the running code was loaded from: dist/ when built (this file is
 * dist/libs/security/src/runtime/code-root.js), the repository when run from sources.
 */
export function codeRoot(): string {
  return resolve(__dirname, '..', '..', '..', '..');
}

export const INTEGRITY_MANIFEST = 'integrity-manifest.json';
