import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { isAbsolute, relative, sep } from 'node:path';
import type { Counter } from 'prom-client';

export const UNAUTHORIZED_FILE_ACCESS = 'techsapo_unauthorized_file_access_total';

const OPERATIONS: Record<string, string> = {
  FileSystemWrite: 'write',
  FileSystemRead: 'read',
  ChildProcess: 'child-process',
  WorkerThreads: 'worker',
};

interface AccessDenied {
  code: 'ERR_ACCESS_DENIED';
  permission?: string;
  resource?: string;
}

export function isAccessDenied(error: unknown): error is AccessDenied {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'ERR_ACCESS_DENIED'
  );
}

/**
 * Counts the accesses Node's permission model refused (ERR_ACCESS_DENIED) that the app
 * observes: techsapo_unauthorized_file_access_total{path,operation,user}. The path label is
 * cut to two segments (relative to the working folder when inside it) to keep cardinality low.
 */
@Injectable()
export class FileAccessMonitor {
  constructor(@InjectMetric(UNAUTHORIZED_FILE_ACCESS) private readonly denied: Counter<string>) {}

  /** Records `error` if it is an access denial; returns whether it was one. */
  record(error: unknown, user = 'system', fallbackPath = 'unknown'): boolean {
    if (!isAccessDenied(error)) return false;
    this.denied.inc({
      path: pathLabel(error.resource ?? fallbackPath),
      operation: OPERATIONS[error.permission ?? ''] ?? error.permission?.toLowerCase() ?? 'unknown',
      user,
    });
    return true;
  }
}

export function pathLabel(path: string): string {
  if (!isAbsolute(path)) return path.split(/[\\/]/).slice(0, 2).join('/');
  const inside = relative(process.cwd(), path);
  if (inside && !inside.startsWith('..') && !isAbsolute(inside)) {
    return inside.split(sep).slice(0, 2).join('/');
  }
  return path.split(sep).slice(0, 3).join('/') || '/';
}
