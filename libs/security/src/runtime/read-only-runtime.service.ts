import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '@techsapo/core';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeRoot } from './code-root';
import { FileAccessMonitor } from './file-access.monitor';

export interface CodeFolderProbe {
  folder: string;
  writable: boolean;
  /** Why a write failed (ERR_ACCESS_DENIED under the permission model, EACCES, EROFS). */
  reason: string;
}

/** Tries to create (and remove) a file in `folder`. */
export function probeWritable(folder: string): CodeFolderProbe {
  const target = join(folder, `.write-probe-${process.pid}`);
  try {
    writeFileSync(target, '', { flag: 'wx' });
  } catch (error) {
    return { folder, writable: false, reason: (error as NodeJS.ErrnoException).code ?? 'error' };
  }
  try {
    unlinkSync(target);
  } catch {
    // The probe proved the point already; a leftover empty file is harmless.
  }
  return { folder, writable: true, reason: 'write succeeded' };
}

/** What Node's permission model allows this process (undefined when the model is off). */
export function permissionState(): Record<string, boolean> | undefined {
  const permission = (process as { permission?: { has(scope: string, ref?: string): boolean } })
    .permission;
  if (!permission) return undefined;
  return {
    codeWrite: permission.has('fs.write', codeRoot()),
    childProcess: permission.has('child'),
    worker: permission.has('worker'),
  };
}

/**
 * S0/SM1 at boot: the process tries to write into its own code folder. If it can, production
 * refuses to start and development warns loudly; the start-up log states the permission model.
 */
@Injectable()
export class ReadOnlyRuntimeService implements OnModuleInit {
  private readonly logger = new Logger('ReadOnlyRuntime');
  probe?: CodeFolderProbe;

  constructor(
    @Inject(appConfig.factory.KEY) private readonly app: ConfigType<typeof appConfig.factory>,
    private readonly monitor: FileAccessMonitor,
  ) {}

  onModuleInit(): void {
    const probe = probeWritable(codeRoot());
    this.probe = probe;
    const permissions = permissionState();
    if (!probe.writable) {
      if (probe.reason === 'ERR_ACCESS_DENIED') {
        this.monitor.record({
          code: 'ERR_ACCESS_DENIED',
          permission: 'FileSystemWrite',
          resource: probe.folder,
        });
      }
      this.logger.log(
        `code folder ${probe.folder} is read-only (${probe.reason}); permission model ${
          permissions
            ? `on: child processes ${permissions.childProcess ? 'allowed (stdio MCP upstream configured)' : 'denied'}, workers ${permissions.worker ? 'allowed' : 'denied'}`
            : 'off'
        }`,
      );
      return;
    }
    const message = `the code folder ${probe.folder} is WRITABLE by this process: S0 requires read-only code (start with \`npm start\` or the container, which run Node's permission model)`;
    if (this.app.production) throw new Error(`refusing to start in production: ${message}`);
    this.logger.warn(`!!! ${message} !!!`);
  }
}
