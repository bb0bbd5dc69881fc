import { originEnd, originStart, type NormalizedText } from '../normalize/normalizer';

const SLASH = 47;
const BACKSLASH = 92;
const DOT = 46;
const SPACE = 32;

const isSeparator = (unit: number): boolean => unit === SLASH || unit === BACKSLASH;
const isLetter = (unit: number): boolean => unit >= 97 && unit <= 122;
const isSchemeUnit = (unit: number): boolean =>
  isLetter(unit) || (unit >= 48 && unit <= 57) || unit === 43 || unit === 45 || unit === DOT;

/**
 * Why a value is not a repository-relative path, or undefined when it is one: a path that
 * stays inside its root may use `..` (`docs/../src/a.ts`); one that leaves the root, starts
 * at a root of its own (`/etc`, `C:\`, `\\server`, `~`, a URL scheme), hides a separator or a
 * dot behind an encoding or a look-alike (`%2e%2e%2f`, `..∕`), or carries control characters,
 * is not.
 */
export function repositoryPathProblem(original: string, text: NormalizedText): string | undefined {
  const { units, length } = text;
  if (length === 0) return undefined;
  const decoded = text.decoded.text;
  for (let i = 0; i < decoded.length; i += 1) {
    const c = decoded.charCodeAt(i);
    if (c < 32 || c === 127) return 'control characters';
  }
  for (let i = 0; i < length; i += 1) {
    const unit = units[i];
    if (unit !== DOT && !isSeparator(unit)) continue;
    // Each dot and separator must be that very character in the input.
    const from = originStart(text, i);
    if (originEnd(text, i) - from !== 1 || original.charCodeAt(from) !== unit) {
      return 'an encoded or look-alike separator';
    }
  }
  const first = units[0];
  if (isSeparator(first) || first === 126 /* ~ */) return 'an absolute path';
  let k = 0;
  while (k < length && isSchemeUnit(units[k])) k += 1;
  if (k > 0 && k < length && units[k] === 58 /* : */ && isLetter(first)) {
    return 'a drive or a URL, not a relative path';
  }
  let depth = 0;
  let segmentStart = 0;
  for (let i = 0; i <= length; i += 1) {
    if (i < length && !isSeparator(units[i])) continue;
    let dots = 0;
    let other = false;
    for (let j = segmentStart; j < i; j += 1) {
      if (units[j] === DOT) dots += 1;
      else if (units[j] !== SPACE) other = true;
    }
    if (!other && dots >= 2) {
      depth -= 1;
      if (depth < 0) return 'a path that leaves the repository';
    } else if (other) {
      depth += 1;
    }
    segmentStart = i + 1;
  }
  return undefined;
}
