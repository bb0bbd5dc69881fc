import { rename, rm, writeFile } from 'node:fs/promises';
import { UsageError } from '../errors';

/**
 * `--output FILE`: the result, written whole or not at all (a temporary file renamed over it),
 * so a CI step that uploads FILE when it exists never uploads half a report or an empty one.
 */
export async function writeResult(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new UsageError(
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}
