import type { NormalizedText } from '../normalize/normalizer';

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
  const { decoded, decodedUnits } = text;
  for (let i = 0; i < decoded.text.length; i += 1) {
    const c = decodedUnits[i];
    if (c < 32 || c === 127) return 'control characters';
  }
  if (!ownDotsAndSeparators(original, text)) return 'an encoded or look-alike separator';
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

/**
 * Whether each dot and separator of the normalised text is that very character in the input
 * (not decoded, not folded from a look-alike). Units map to decoded characters in runs
 * between marks, walked in order, so the check stays linear.
 */
function ownDotsAndSeparators(original: string, text: NormalizedText): boolean {
  const { units, length, markUnit, markIndex, markCount, decoded, decodedUnits } = text;
  const { start: starts, end: ends } = decoded;
  for (let j = 0; j < markCount; j += 1) {
    const to = j + 1 < markCount ? markUnit[j + 1] : length;
    const shift = markIndex[j] - markUnit[j];
    for (let i = markUnit[j]; i < to; i += 1) {
      const unit = units[i];
      if (unit !== DOT && !isSeparator(unit)) continue;
      const at = i + shift;
      if (starts === null || ends === null) {
        // Nothing was decoded: the decoded character is the input's own.
        if (decodedUnits[at] !== unit) return false;
      } else if (ends[at] - starts[at] !== 1 || original.charCodeAt(starts[at]) !== unit) {
        return false;
      }
    }
  }
  return true;
}
