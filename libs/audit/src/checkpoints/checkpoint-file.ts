import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditCheckpoint } from './audit-checkpoint';

/**
 * The checkpoints of one deployment (one Redis key prefix) in DATA_DIR: one JSON line each,
 * appended, never rewritten, so a later (lower) head cannot replace what an earlier one saw.
 */
export class CheckpointFile {
  readonly path: string;

  constructor(dataDir: string, deployment: string) {
    this.path = join(dataDir, 'audit-checkpoints', `${deployment}.ndjson`);
  }

  async append(checkpoint: AuditCheckpoint): Promise<void> {
    await mkdir(join(this.path, '..'), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
  }

  /** The checkpoint of the highest seq, or undefined when there is none (or no file). */
  async highest(): Promise<AuditCheckpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let best: AuditCheckpoint | undefined;
    for (const line of text.split('\n')) {
      const checkpoint = parse(line);
      if (checkpoint && (!best || checkpoint.seq > best.seq)) best = checkpoint;
    }
    return best;
  }
}

function parse(line: string): AuditCheckpoint | undefined {
  if (!line.trim()) return undefined;
  try {
    const value = JSON.parse(line) as Partial<AuditCheckpoint>;
    if (
      typeof value.seq === 'number' &&
      typeof value.hash === 'string' &&
      typeof value.time === 'string' &&
      typeof value.sig === 'string'
    )
      return value as AuditCheckpoint;
  } catch {
    // a torn last line (a crash mid-write) is skipped
  }
  return undefined;
}
