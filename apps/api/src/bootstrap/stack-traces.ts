import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { sep } from 'node:path';

/** Source maps kept at once: an error's frames pass through a handful of files. */
const MAX_MAPS = 64;

type CallSite = NodeJS.CallSite;

/**
 * Stack traces in the lines of the TypeScript sources, as `node --enable-source-maps` prints
 * them, for the built files under `root` (dist/): a file's map (`file.js.map`, beside it) is
 * read when a stack trace first passes through the file, and the latest MAX_MAPS are kept.
 * `--enable-source-maps` reads and keeps the map of every module as it loads, node_modules'
 * included: 8 MB of heap in every process for traces that are seldom printed
 * (docs/performance.md). Frames in other files are printed as Node prints them.
 */
export function mapStackTracesOnDemand(root: string): void {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string): SourceMap | undefined => {
    if (maps.has(file)) return maps.get(file);
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMap['payload']);
    } catch {
      map = undefined; // no map, or not readable: the frame stays as it is
    }
    if (maps.size >= MAX_MAPS) maps.delete(maps.keys().next().value as string);
    maps.set(file, map);
    return map;
  };
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
  const frameText = (frame: CallSite): string => {
    const text = frame.toString();
    const file = frame.getFileName();
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (!file?.startsWith(prefix) || line === null || column === null) return text;
    const entry = mapOf(file)?.findEntry(line - 1, column - 1);
    if (!entry || !('originalSource' in entry)) return text;
    const original = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    return text.replace(`${file}:${line}:${column}`, original);
  };
  Error.prepareStackTrace = (error: unknown, frames: CallSite[]): string => {
    let header: string;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    return frames.reduce((stack, frame) => `${stack}\n    at ${frameText(frame)}`, header);
  };
}
