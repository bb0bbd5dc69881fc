import { relative, resolve } from 'node:path';
import { UsageError } from '../errors';
import { excluder } from '../input/exclude';
import {
  decodeText,
  readStdin,
  readStdinText,
  readTextFile,
  tooLarge,
  type ReadLimits,
} from '../input/text-input';
import { filesOfDiff } from './diff';
import { gitChangedFiles, gitDiff } from './git-diff';

/** The server accepts 1 B … 1 MiB of text (API.md, create body). */
export const MAX_CONTENT_BYTES = 1024 * 1024;

/** A file the content came from: its text and, for a diff, the line number of each line. */
export interface ContentFile {
  path: string;
  text: string;
  /** `lines[i]` is the file's line number of the text's line i+1; absent = the same. */
  lines?: number[];
}

export interface AssembledContent {
  content: string;
  source: 'files' | 'diff' | 'stdin';
  ref?: string;
  /** The files whose text is in `content`, to point findings at (none for stdin). */
  files: ContentFile[];
}

/** A diff with no change, or files all excluded: a pull request with nothing for us, not an error. */
export function isNothing(content: AssembledContent): boolean {
  return content.content.trim() === '';
}

export interface ContentInput {
  files: string[];
  diff?: string;
  /** Reads standard input; a seam so tests can feed bytes without a pipe. */
  readStdin?: () => Promise<Buffer>;
  /** Where relative paths and `git diff` run; the working directory by default. */
  cwd?: string;
  /** `--exclude GLOB`s: files and diff paths left out (see excluder). */
  exclude?: string[];
}

const LIMITS: ReadLimits = { maxBytes: MAX_CONTENT_BYTES, purpose: 'analyse' };

/** One header line per file, so the providers (and the reader) know which text is which. */
export function fileHeader(path: string): string {
  return `==> ${path} <==`;
}

function checked(result: AssembledContent): AssembledContent {
  const bytes = Buffer.byteLength(result.content, 'utf8');
  if (bytes > MAX_CONTENT_BYTES) {
    const what =
      result.source === 'files' ? `the content of the ${result.files.length} files` : 'the content';
    throw tooLarge(what, bytes, MAX_CONTENT_BYTES);
  }
  return result;
}

async function diffContent(input: ContentInput, ref: string): Promise<AssembledContent> {
  if (input.files.includes('-'))
    throw new UsageError('--diff and - (standard input) exclude each other');
  const excluded = excluder(input.exclude ?? []);
  // With exclusions, git is asked for the kept files only: an excluded lock file never
  // counts against the size limit.
  const kept = input.exclude?.length
    ? (await gitChangedFiles(ref, input.files, input.cwd)).filter((f) => !excluded(f))
    : undefined;
  const bytes =
    kept?.length === 0
      ? Buffer.alloc(0)
      : await gitDiff(ref, input.files, MAX_CONTENT_BYTES + 1, input.cwd, kept);
  const diff = decodeText(`git diff ${ref}`, bytes);
  return checked({ content: diff, source: 'diff', ref, files: filesOfDiff(diff) });
}

/**
 * What is sent as `content`: the named files (each under a header line), the output of
 * `git diff REF` (restricted to FILES when some are named), or standard input (`-`).
 */
export async function assembleContent(input: ContentInput): Promise<AssembledContent> {
  if (input.diff !== undefined) return diffContent(input, input.diff);
  if (input.files.length === 0 || (input.files.length === 1 && input.files[0] === '-')) {
    const read = input.readStdin ?? (() => readStdin(process.stdin, MAX_CONTENT_BYTES));
    return checked({ content: await readStdinText(read, LIMITS), source: 'stdin', files: [] });
  }
  if (input.files.includes('-')) {
    throw new UsageError('- (standard input) cannot be combined with files');
  }
  const cwd = input.cwd ?? process.cwd();
  const excluded = excluder(input.exclude ?? []);
  const files: ContentFile[] = [];
  for (const path of input.files) {
    if (excluded(relative(cwd, resolve(cwd, path)))) continue;
    files.push({ path, text: await readTextFile(path, cwd, LIMITS) });
  }
  const content = files
    .map((f) => `${fileHeader(f.path)}\n${f.text}${f.text.endsWith('\n') ? '' : '\n'}`)
    .join('\n');
  return checked({ content, source: 'files', files });
}
