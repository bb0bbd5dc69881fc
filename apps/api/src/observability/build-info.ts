import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectMetric, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Gauge } from 'prom-client';

export const BUILD_INFO = 'techsapo_build_info';
/** Written by scripts/build.mjs into dist/: the package version and the git commit built. */
export const BUILD_INFO_FILE = 'build-info.json';

export interface BuildInfo {
  version: string;
  commit: string;
}

/**
 * What is running: dist/build-info.json when built; from the sources (tests), the package's
 * version and the commit named by SOURCE_COMMIT, else "unknown".
 */
export function readBuildInfo(from = __dirname): BuildInfo {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, BUILD_INFO_FILE), 'utf8')) as BuildInfo;
    } catch {
      // not built here
    }
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'techsapo' && pkg.version)
        return { version: pkg.version, commit: process.env.SOURCE_COMMIT ?? 'unknown' };
    } catch {
      // look one folder up
    }
  }
  return { version: '0.0.0', commit: 'unknown' };
}

export const buildInfoProvider = makeGaugeProvider({
  name: BUILD_INFO,
  help: 'Always 1; its labels say which version and git commit of TechSapo runs',
  labelNames: ['version', 'commit'],
});

@Injectable()
export class BuildInfoMetric implements OnModuleInit {
  constructor(@InjectMetric(BUILD_INFO) private readonly gauge: Gauge<string>) {}

  onModuleInit(): void {
    const { version, commit } = readBuildInfo();
    this.gauge.set({ version, commit }, 1);
  }
}
