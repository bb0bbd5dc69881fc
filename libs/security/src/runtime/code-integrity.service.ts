import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { SecurityEventService } from '@techsapo/audit';
import { appConfig, describeError, ReadinessRegistry, type ReadinessResult } from '@techsapo/core';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Counter } from 'prom-client';
import { codeRoot, INTEGRITY_MANIFEST } from './code-root';
import { runtimeConfig } from './runtime.config';

export const INTEGRITY_VIOLATIONS = 'techsapo_integrity_violations_total';
/** File names listed in the readiness detail and the security event. */
const LISTED = 10;

export interface IntegrityReport {
  verified: boolean;
  changed: string[];
  missing: string[];
  added: string[];
  reason?: string;
}

interface Manifest {
  algorithm: 'sha256';
  files: Record<string, string>;
}

/**
 * IV/SM1: the built code must be exactly what `npm run build` wrote. Verifies
 * dist/integrity-manifest.json at boot and every INTEGRITY_CHECK_INTERVAL seconds; a
 * difference makes /health/ready fail (checks.integrity), reports a security event and counts
 * techsapo_integrity_violations_total once per newly differing file.
 */
@Injectable()
export class CodeIntegrityService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CodeIntegrityService.name);
  private readonly root = codeRoot();
  private last: ReadinessResult = { ok: false, detail: { reason: 'not verified yet' } };
  private readonly reported = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    readiness: ReadinessRegistry,
    private readonly events: SecurityEventService,
    @InjectMetric(INTEGRITY_VIOLATIONS) private readonly violations: Counter<string>,
    @Inject(runtimeConfig.factory.KEY)
    private readonly config: ConfigType<typeof runtimeConfig.factory>,
    @Inject(appConfig.factory.KEY) private readonly app: ConfigType<typeof appConfig.factory>,
  ) {
    readiness.register('integrity', () => Promise.resolve(this.last));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    const seconds = this.config.integrityCheckIntervalSeconds;
    if (seconds > 0) {
      this.timer = setInterval(() => void this.check(), seconds * 1000);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Verifies now and updates the readiness state. */
  async check(): Promise<IntegrityReport> {
    const report = await this.verify().catch((error: unknown): IntegrityReport => ({
      verified: false,
      changed: [],
      missing: [],
      added: [],
      reason: `verification failed: ${describeError(error)}`,
    }));
    const differing = [...report.changed, ...report.missing, ...report.added];
    if (!report.verified) {
      // Running from sources has no manifest: fine in development, never in production.
      this.last = { ok: !this.app.production, detail: { verified: false, reason: report.reason } };
    } else if (differing.length === 0) {
      this.last = { ok: true, detail: { verified: true } };
    } else {
      this.last = {
        ok: false,
        detail: {
          verified: true,
          changed: report.changed.slice(0, LISTED),
          missing: report.missing.slice(0, LISTED),
          added: report.added.slice(0, LISTED),
        },
      };
      this.reportViolation(report, differing);
    }
    return report;
  }

  private reportViolation(report: IntegrityReport, differing: string[]): void {
    const fresh = differing.filter((file) => !this.reported.has(file));
    if (fresh.length === 0) return;
    for (const file of fresh) this.reported.add(file);
    this.violations.inc(fresh.length);
    this.logger.error(
      { files: fresh.slice(0, LISTED) },
      'built code differs from its integrity manifest',
    );
    this.events.report({
      eventType: 'INTEGRITY_VIOLATION',
      severity: 'CRITICAL',
      violationType: 'CODE_INTEGRITY',
      blocked: false,
      source: 'runtime',
      payload: fresh.slice(0, LISTED).join(', '),
      details: {
        changed: report.changed.slice(0, LISTED),
        missing: report.missing.slice(0, LISTED),
        added: report.added.slice(0, LISTED),
      },
    });
  }

  private async verify(): Promise<IntegrityReport> {
    let manifest: Manifest;
    try {
      manifest = JSON.parse(
        await readFile(join(this.root, INTEGRITY_MANIFEST), 'utf8'),
      ) as Manifest;
    } catch {
      return {
        verified: false,
        changed: [],
        missing: [],
        added: [],
        reason: 'no integrity manifest (running from sources?)',
      };
    }
    const changed: string[] = [];
    const missing: string[] = [];
    for (const [file, expected] of Object.entries(manifest.files)) {
      const content = await readFile(join(this.root, file)).catch(() => undefined);
      if (!content) missing.push(file);
      else if (createHash('sha256').update(content).digest('hex') !== expected) changed.push(file);
    }
    const added: string[] = [];
    for (const file of await listFiles(this.root)) {
      if (file !== INTEGRITY_MANIFEST && !(file in manifest.files)) added.push(file);
    }
    return { verified: true, changed, missing, added };
  }
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      relative(root, join(entry.parentPath ?? entry.path, entry.name))
        .split(sep)
        .join('/'),
    );
}
