import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { AssembledContent } from './content';

/**
 * What the server's `metadata.source` says of the content: the repository path it comes from.
 * One file is its own path; several, their deepest common folder; a diff, the folder of the
 * files it changes (its paths are already relative to the repository root); named files are
 * taken relative to the working directory (the repository root in CI). Nothing when there is
 * no common folder, for standard input, and for files outside the working directory: the
 * server accepts only a path that stays inside the repository.
 */
export function sourcePath(content: AssembledContent, cwd = process.cwd()): string | undefined {
  if (content.files.length === 0) return undefined;
  const paths: string[][] = [];
  for (const file of content.files) {
    const inside = content.source === 'diff' ? file.path : relative(cwd, resolve(cwd, file.path));
    const segments = inside
      .split(sep)
      .join('/')
      .split('/')
      .filter((s) => s && s !== '.');
    if (isAbsolute(inside) || segments.length === 0 || segments.includes('..')) return undefined;
    paths.push(segments);
  }
  if (paths.length === 1) return posix.join(...paths[0]);
  let common = paths[0].slice(0, -1);
  for (const segments of paths.slice(1)) {
    const folder = segments.slice(0, -1);
    let k = 0;
    while (k < common.length && k < folder.length && common[k] === folder[k]) k += 1;
    common = common.slice(0, k);
  }
  return common.length > 0 ? posix.join(...common) : undefined;
}
