import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors';
import { filesOfDiff } from './diff';
import { gitDiff } from './git-diff';

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

export interface ContentInput {
  files: string[];
  diff?: string;
  /** Reads standard input; a seam so tests can feed bytes without a pipe. */
  readStdin?: () => Promise<Buffer>;
  /** Where relative paths and `git diff` run; the working directory by default. */
  cwd?: string;
}

/** One header line per file, so the providers (and the reader) know which text is which. */
export function fileHeader(path: string): string {
  return `==> ${path} <==`;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB (${bytes} bytes)`
    : `${bytes} bytes`;
}

function tooLarge(what: string, bytes: number): UsageError {
  return new UsageError(
    `${what} is ${sizeText(bytes)}; the limit is 1 MiB (${MAX_CONTENT_BYTES} bytes)`,
  );
}

/**
 * Decodes text the way git decides a file is binary (a NUL byte) plus strict UTF-8: the
 * server takes text only, and sending a PNG as mojibake helps nobody.
 */
export function decodeText(what: string, bytes: Buffer): string {
  if (bytes.includes(0))
    throw new UsageError(`${what} is a binary file; only text can be analysed`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UsageError(`${what} is a binary file (not UTF-8 text); only text can be analysed`);
  }
}

async function readTextFile(path: string, cwd: string): Promise<string> {
  let size: number;
  const absolute = resolve(cwd, path);
  try {
    const info = await stat(absolute);
    if (info.isDirectory()) throw new UsageError(`${path} is a directory; name files`);
    size = info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? 'error'})`,
    );
  }
  if (size > MAX_CONTENT_BYTES) throw tooLarge(path, size);
  const bytes = await readFile(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: cannot read (${error.code ?? 'error'})`);
  });
  return decodeText(path, bytes);
}

/** Reads standard input to its end, giving up as soon as it passes the limit. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > MAX_CONTENT_BYTES) throw tooLarge('standard input', total);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function checked(result: AssembledContent): AssembledContent {
  const bytes = Buffer.byteLength(result.content, 'utf8');
  if (bytes > MAX_CONTENT_BYTES) {
    const what =
      result.source === 'files' ? `the content of the ${result.files.length} files` : 'the content';
    throw tooLarge(what, bytes);
  }
  if (result.content.trim() === '') {
    const what =
      result.source === 'diff'
        ? `git diff ${result.ref} is empty`
        : result.source === 'stdin'
          ? 'standard input is empty'
          : 'the files are empty';
    throw new UsageError(`${what}: nothing to analyse`);
  }
  return result;
}

/**
 * What is sent as `content`: the named files (each under a header line), the output of
 * `git diff REF` (restricted to FILES when some are named), or standard input (`-`).
 */
export async function assembleContent(input: ContentInput): Promise<AssembledContent> {
  const stdin = input.readStdin ?? (() => readStdin());
  if (input.diff !== undefined) {
    if (input.files.includes('-'))
      throw new UsageError('--diff and - (standard input) exclude each other');
    const diff = decodeText(
      `git diff ${input.diff}`,
      await gitDiff(input.diff, input.files, MAX_CONTENT_BYTES + 1, input.cwd),
    );
    return checked({ content: diff, source: 'diff', ref: input.diff, files: filesOfDiff(diff) });
  }
  if (input.files.length === 0 || (input.files.length === 1 && input.files[0] === '-')) {
    return checked({
      content: decodeText('standard input', await stdin()),
      source: 'stdin',
      files: [],
    });
  }
  if (input.files.includes('-')) {
    throw new UsageError('- (standard input) cannot be combined with files');
  }
  const files: ContentFile[] = [];
  for (const path of input.files)
    files.push({ path, text: await readTextFile(path, input.cwd ?? process.cwd()) });
  const content = files
    .map((f) => `${fileHeader(f.path)}\n${f.text}${f.text.endsWith('\n') ? '' : '\n'}`)
    .join('\n');
  return checked({ content, source: 'files', files });
}
