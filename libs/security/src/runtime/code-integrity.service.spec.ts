import type { SecurityEventInput, SecurityEventService } from '@techsapo/audit';
import { appConfig, ReadinessRegistry, type ReadinessResult } from '@techsapo/core';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Counter } from 'prom-client';
import { CodeIntegrityService } from './code-integrity.service';
import { runtimeConfig } from './runtime.config';

// The code root is where the running code was loaded from; here, a folder each test builds.
let mockRoot = '';
jest.mock('./code-root', () => ({
  ...jest.requireActual<typeof import('./code-root')>('./code-root'),
  codeRoot: () => mockRoot,
}));

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A built tree: `files` written, and a manifest of them unless `manifest` is false. */
function build(files: Record<string, string>, manifest = true): void {
  mockRoot = mkdtempSync(join(tmpdir(), 'techsapo-integrity-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(mockRoot, file, '..'), { recursive: true });
    writeFileSync(join(mockRoot, file), text);
  }
  if (!manifest) return;
  const hashes = Object.fromEntries(Object.entries(files).map(([f, t]) => [f, sha256(t)]));
  writeFileSync(
    join(mockRoot, 'integrity-manifest.json'),
    JSON.stringify({ algorithm: 'sha256', files: hashes }),
  );
}

function setup(env: Record<string, string> = {}) {
  const readiness = new ReadinessRegistry();
  const events: SecurityEventInput[] = [];
  const reporter = {
    report: (event: SecurityEventInput) => events.push(event),
  } as unknown as SecurityEventService;
  let counted = 0;
  const violations = { inc: (n = 1) => (counted += n) } as unknown as Counter<string>;
  const service = new CodeIntegrityService(
    readiness,
    reporter,
    violations,
    runtimeConfig.read({}),
    appConfig.read(env),
  );
  const ready = (): Promise<ReadinessResult> => readiness.entries()[0][1]();
  return { service, events, ready, counted: () => counted };
}

describe('CodeIntegrityService', () => {
  afterEach(() => rmSync(mockRoot, { recursive: true, force: true }));

  it('is ready when every file is as built', async () => {
    build({ 'main.js': 'main', 'libs/a.js': 'a' });
    const { service, ready, events } = setup();
    await expect(service.check()).resolves.toEqual({
      verified: true,
      changed: [],
      missing: [],
      added: [],
    });
    await expect(ready()).resolves.toEqual({ ok: true, detail: { verified: true } });
    expect(events).toEqual([]);
  });

  it('names changed, missing and added files, reports them once and counts each', async () => {
    build({ 'main.js': 'main', 'libs/a.js': 'a', 'libs/b.js': 'b' });
    writeFileSync(join(mockRoot, 'main.js'), 'tampered');
    unlinkSync(join(mockRoot, 'libs/b.js'));
    writeFileSync(join(mockRoot, 'libs/extra.js'), 'new');
    const { service, ready, events, counted } = setup();
    await service.check();
    await expect(ready()).resolves.toEqual({
      ok: false,
      detail: {
        verified: true,
        changed: ['main.js'],
        missing: ['libs/b.js'],
        added: ['libs/extra.js'],
      },
    });
    expect(events).toEqual([
      expect.objectContaining({
        eventType: 'INTEGRITY_VIOLATION',
        severity: 'CRITICAL',
        payload: 'main.js, libs/b.js, libs/extra.js',
      }),
    ]);
    expect(counted()).toBe(3);
    await service.check();
    expect(events).toHaveLength(1);
    expect(counted()).toBe(3);
  });

  it('without a manifest: ready in development, not in production', async () => {
    build({ 'main.js': 'main' }, false);
    const development = setup({ NODE_ENV: 'development' });
    await development.service.check();
    await expect(development.ready()).resolves.toMatchObject({
      ok: true,
      detail: { verified: false, reason: 'no integrity manifest (running from sources?)' },
    });
    const production = setup({ NODE_ENV: 'production' });
    await production.service.check();
    await expect(production.ready()).resolves.toMatchObject({ ok: false });
  });
});
