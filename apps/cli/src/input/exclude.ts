import picomatch from 'picomatch';
import { posix } from 'node:path';

/**
 * `--exclude GLOB`: a path is left out when any glob matches it. Globs follow .gitignore's
 * habit: one without a slash (`package-lock.json`, `*.snap`) matches the file's name in any
 * folder; one with a slash (`dist/**`, `docs/*.md`) matches the path from the repository root.
 */
export function excluder(globs: string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const byName = picomatch(
    globs.filter((g) => !g.includes('/')),
    { dot: true },
  );
  const byPath = picomatch(
    globs.filter((g) => g.includes('/')).map((g) => g.replace(/^\//, '')),
    { dot: true },
  );
  return (path) => {
    const normal = path.split('\\').join('/').replace(/^\.\//, '');
    return byName(posix.basename(normal)) || byPath(normal);
  };
}
