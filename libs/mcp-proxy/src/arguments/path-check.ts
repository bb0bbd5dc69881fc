import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why a path-like value was refused, or undefined when it is acceptable. */
export function pathProblem(value: string, roots: string[]): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character';
  let text = value;
  if (/^file:/i.test(text)) {
    try {
      text = fileURLToPath(text);
    } catch {
      return 'is not a valid file URI';
    }
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return undefined; // a non-file URI is not a path (its length is checked elsewhere)
  }
  let decoded = text;
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(decoded); i += 1) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      break;
    }
  }
  const segments = decoded.split(/[\\/]+/);
  if (segments.some((s) => s === '..')) return 'traverses upwards (..)';
  if (segments.some((s) => s.startsWith('.') && s !== '.')) return 'names a hidden file or folder';
  if (decoded.startsWith('~')) return 'refers to a home folder';
  if (roots.length === 0) {
    return isAbsolute(decoded) ? 'is absolute and this server has no configured roots' : undefined;
  }
  const candidate = canonical(isAbsolute(decoded) ? decoded : resolve(roots[0], decoded));
  const inside = roots.some((root) => {
    const rel = relative(root, candidate);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  });
  return inside ? undefined : 'is outside the configured roots';
}

/** The real path when it exists (symlinks resolved), else the nearest existing ancestor's real path plus the rest. */
function canonical(path: string): string {
  const normalized = resolve(path);
  let head = normalized;
  const tail: string[] = [];
  for (let i = 0; i < 64; i += 1) {
    try {
      const real = realpathSync.native(head);
      return tail.length ? resolve(real, ...tail.reverse()) : real;
    } catch {
      const parent = resolve(head, '..');
      if (parent === head) return normalized;
      tail.push(head.slice(parent.length).replace(/^[\\/]/, ''));
      head = parent;
    }
  }
  return normalized;
}
