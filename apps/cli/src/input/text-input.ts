import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors';

/** What the text is read for, named in the "nothing to …" of an empty input. */
export type Purpose = 'analyse' | 'scan';

const DONE: Record<Purpose, string> = { analyse: 'analysed', scan: 'scanned' };

export interface ReadLimits {
  /** Refuse more than this many bytes; no limit when absent (a local scan). */
  maxBytes?: number;
  purpose: Purpose;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB (${bytes} bytes)`
    : `${bytes} bytes`;
}

export function tooLarge(what: string, bytes: number, maxBytes: number): UsageError {
  const limit = maxBytes === 1024 * 1024 ? '1 MiB' : sizeText(maxBytes);
  return new UsageError(`${what} is ${sizeText(bytes)}; the limit is ${limit} (${maxBytes} bytes)`);
}

export function nothingTo(what: string, purpose: Purpose): UsageError {
  return new UsageError(`${what}: nothing to ${purpose}`);
}

/**
 * Decodes text the way git decides a file is binary (a NUL byte) plus strict UTF-8: the
 * server takes text only, and sending a PNG as mojibake helps nobody.
 */
export function decodeText(what: string, bytes: Buffer, purpose: Purpose = 'analyse'): string {
  if (bytes.includes(0))
    throw new UsageError(`${what} is a binary file; only text can be ${DONE[purpose]}`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UsageError(
      `${what} is a binary file (not UTF-8 text); only text can be ${DONE[purpose]}`,
    );
  }
}

/** The text of one input: refused (one line, exit 2) when missing, binary, too large or empty. */
function checkedText(what: string, bytes: Buffer, limits: ReadLimits): string {
  const text = decodeText(what, bytes, limits.purpose);
  if (text.trim() === '') throw nothingTo(`${what} is empty`, limits.purpose);
  return text;
}

/** A named file's text; `cwd` resolves relative paths. */
export async function readTextFile(path: string, cwd: string, limits: ReadLimits): Promise<string> {
  const absolute = resolve(cwd, path);
  let size: number;
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
  if (limits.maxBytes !== undefined && size > limits.maxBytes)
    throw tooLarge(path, size, limits.maxBytes);
  const bytes = await readFile(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: cannot read (${error.code ?? 'error'})`);
  });
  return checkedText(path, bytes, limits);
}

/** Reads standard input to its end, giving up as soon as it passes the limit. */
export async function readStdin(
  stream: NodeJS.ReadableStream = process.stdin,
  maxBytes?: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (maxBytes !== undefined && total > maxBytes)
      throw tooLarge('standard input', total, maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Standard input's text, refused like a file when binary or empty. */
export async function readStdinText(
  read: () => Promise<Buffer>,
  limits: ReadLimits,
): Promise<string> {
  return checkedText('standard input', await read(), limits);
}
