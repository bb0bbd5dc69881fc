import { nameWords } from '../policy/tool-classifier';
import { PATH_NAMES, normalizeName } from './argument-limits';

/** The part of a JSON schema that says what a string property holds. */
export interface PropertySchema {
  format?: unknown;
  description?: unknown;
  title?: unknown;
}

/** Words in an argument's name that make it a path (`repo_path`, `project_dir`, `notebookPath`). */
const PATH_WORDS = new Set([
  'path',
  'paths',
  'file',
  'files',
  'dir',
  'directory',
  'folder',
  'root',
]);

/** Schema formats of values that may be a path or a `file:` URI. */
const PATH_FORMATS = new Set([
  'uri',
  'uri-reference',
  'iri',
  'iri-reference',
  'path',
  'file-path',
  'filepath',
  'directory',
  'directory-path',
]);

const PATH_DESCRIPTION = /\b(paths?|files?|file ?names?|director(y|ies)|folders?)\b/i;

/** An absolute path, a home path, an explicitly relative path, a Windows or UNC path, a `file:` URI. */
const PATH_SHAPE = /^(file:|~|\/|\.{1,2}[\\/]|[A-Za-z]:[\\/]|\\\\)[^\r\n]*$/;

/**
 * Whether a string argument holds a path, judged by its value and its schema, not only by its
 * name: a hostile or careless server names its path arguments as it likes (`repo_path`,
 * `project_dir`, `notebook_path`), so the name, the schema's `format`/description and the
 * value's own shape each make it one.
 */
export function isPathLike(
  name: string,
  schema: PropertySchema | undefined,
  value: string,
): boolean {
  if (PATH_SHAPE.test(value)) return true;
  if (PATH_NAMES.has(normalizeName(name))) return true;
  if (nameWords(name).some((w) => PATH_WORDS.has(w))) return true;
  if (!schema) return false;
  if (typeof schema.format === 'string' && PATH_FORMATS.has(schema.format.toLowerCase()))
    return true;
  const text = [schema.title, schema.description].filter((t) => typeof t === 'string').join(' ');
  return PATH_DESCRIPTION.test(text);
}
