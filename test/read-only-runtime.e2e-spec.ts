import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  MAIN,
  ROOT,
  runtimeFlags,
  serviceSecrets,
  startService,
  waitForHttp,
  type RunningProcess,
} from './support/processes';
import { productionProviders } from './support/production-providers';

/** A private copy of dist/ (the real one is never touched), resolving node_modules from the repo. */
function copyDist(): { dir: string; dist: string; main: string } {
  const dir = mkdtempSync(join(tmpdir(), 'techsapo-dist-'));
  const dist = join(dir, 'dist');
  cpSync(join(ROOT, 'dist'), dist, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, dist, main: join(dist, 'apps', 'api', 'src', 'main.js') };
}

async function stop(service: RunningProcess): Promise<void> {
  if (service.child.exitCode === null) service.child.kill('SIGTERM');
  await service.exited;
}

async function poll<T>(probe: () => Promise<T | undefined>, deadlineMs: number): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The metrics token of the spawned service, which also reads readiness details. */
const OPERATOR_TOKEN = 'operator-token-0123456789abcdef';

describe('read-only runtime', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('started as `npm start` does, the server cannot write into its own code folder', async () => {
    const data = mkdtempSync(join(tmpdir(), 'techsapo-data-'));
    cleanup.push(() => rmSync(data, { recursive: true, force: true }));
    const flags = runtimeFlags({ DATA_DIR: data, MCP_CONFIG: '' });
    expect(flags).toEqual(
      expect.arrayContaining(['--allow-fs-read=*', expect.stringMatching(/^--allow-fs-write=/)]),
    );
    expect(flags.some((f) => f.includes('child-process') || f.includes('worker'))).toBe(false);

    const port = await freePort();
    const service = startService(
      {
        PORT: String(port),
        NODE_ENV: 'development',
        DATA_DIR: data,
        REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}`,
      },
      [...flags, MAIN],
    );
    cleanup.push(() => stop(service));
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
    expect(service.output()).toContain(
      `code folder ${join(ROOT, 'dist')} is read-only (ERR_ACCESS_DENIED)`,
    );
    expect(service.output()).toContain('child processes denied');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain(
      'techsapo_unauthorized_file_access_total{path="dist",operation="write",user="system"} 1',
    );
  });

  it("sizes V8's young generation small: 4 MB semi-spaces under churn instead of up to 16 MB", () => {
    // Short-lived objects with some survivors: V8 grows the young generation to its limit.
    const churn = `const v8 = require('node:v8');
      let keep = [];
      for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
      const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      process.stdout.write(String(young.space_size));`;
    const youngBytes = (flags: string[]) => {
      const run = spawnSync(process.execPath, [...flags, '-e', churn], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      return Number(run.stdout);
    };
    const flags = runtimeFlags({ MCP_CONFIG: '' });
    expect(flags).toEqual(expect.arrayContaining(['--max-semi-space-size=4']));
    expect(youngBytes(flags)).toBeLessThanOrEqual(2 * 4 * 1024 * 1024);
    expect(youngBytes([])).toBeGreaterThan(2 * 4 * 1024 * 1024);
  });

  it('collects the worker’s old generation sooner than the other roles’', () => {
    const growth = (role: string) =>
      runtimeFlags({ MCP_CONFIG: '', ROLE: role }).filter((f) =>
        f.startsWith('--heap-growing-percent='),
      );
    expect(growth('worker')).toEqual(['--heap-growing-percent=30']);
    for (const role of ['api', 'mcp', 'all'])
      expect(growth(role)).toEqual(['--heap-growing-percent=50']);
  });

  it('allows child processes only when MCP_CONFIG names a stdio upstream, and says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'techsapo-mcp-'));
    try {
      const flagsFor = (config: string) => {
        const file = join(dir, 'mcp.yaml');
        writeFileSync(file, config);
        const run = spawnSync(process.execPath, ['scripts/runtime-flags.mjs'], {
          cwd: ROOT,
          env: { ...process.env, DATA_DIR: join(dir, 'data'), MCP_CONFIG: file },
          encoding: 'utf8',
        });
        return { flags: run.stdout.trim().split('\n'), log: run.stderr };
      };
      const stdio = flagsFor(
        'servers:\n  - name: files\n    transport: stdio\n    command: node\n',
      );
      expect(stdio.flags).toEqual(
        expect.arrayContaining(['--allow-child-process', '--allow-worker']),
      );
      expect(stdio.log).toMatch(
        /child processes and workers ALLOWED \(MCP_CONFIG .* names a stdio upstream\)/,
      );
      const http = flagsFor(
        'servers:\n  - name: docs\n    transport: http\n    url: http://127.0.0.1:1/mcp\n',
      );
      expect(http.flags.some((f) => f.includes('child-process'))).toBe(false);
      expect(http.log).toMatch(/child processes and workers denied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('changing one built file turns /health/ready to 503 within the interval', async () => {
    const copy = copyDist();
    cleanup.push(() => rmSync(copy.dir, { recursive: true, force: true }));
    const port = await freePort();
    const service = startService(
      {
        PORT: String(port),
        NODE_ENV: 'development',
        INTEGRITY_CHECK_INTERVAL: '1',
        METRICS_TOKEN: OPERATOR_TOKEN,
        DATA_DIR: join(copy.dir, 'data'),
        REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}`,
      },
      [copy.main],
    );
    cleanup.push(() => stop(service));
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
    // The checks are for operators: the metrics token reads them.
    const operator = { headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` } };
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`, operator);
    expect(((await ready.json()) as { checks: Record<string, unknown> }).checks.integrity).toEqual({
      status: 'up',
      verified: true,
    });

    appendFileSync(join(copy.dist, 'libs', 'core', 'src', 'index.js'), '\n// tampered\n');
    const body = await poll(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`, operator);
      return res.status === 503
        ? ((await res.json()) as { checks: Record<string, { status: string; changed?: string[] }> })
        : undefined;
    }, 15000);
    expect(body.checks.integrity.status).toBe('down');
    expect(body.checks.integrity.changed).toEqual(['libs/core/src/index.js']);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, operator)).text();
    expect(metrics).toMatch(/^techsapo_integrity_violations_total 1$/m);
    expect(service.output()).toMatch(
      /"event_type":"INTEGRITY_VIOLATION".*"violation_type":"CODE_INTEGRITY"/,
    );
  });

  it('refuses to start in production when its code folder is writable', async () => {
    const copy = copyDist();
    cleanup.push(() => rmSync(copy.dir, { recursive: true, force: true }));
    const service = startService(
      {
        ...serviceSecrets(),
        ...productionProviders(),
        PORT: String(await freePort()),
        NODE_ENV: 'production',
        DATA_DIR: join(copy.dir, 'data'),
      },
      [copy.main],
    );
    cleanup.push(() => stop(service));
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('refusing to start in production');
    expect(service.output()).toContain('is WRITABLE by this process');
  });
});

describe('security scan of the built output', () => {
  it('finds no eval, Function, vm or child_process outside the stdio launcher and the CLI git diff in dist/', () => {
    const scan = spawnSync(process.execPath, ['scripts/scan-built-output.mjs', 'dist'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(scan.stdout).toMatch(/0 finding\(s\)/);
    expect(scan.status).toBe(0);
  });

  it('`npm run security:scan` passes on the tree and fails when a built file gains eval', () => {
    const passing = spawnSync(process.execPath, ['scripts/security-scan.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(passing.stdout).toContain('result: passed');
    expect(passing.status).toBe(0);

    const copy = copyDist();
    try {
      appendFileSync(
        join(copy.dist, 'libs', 'core', 'src', 'index.js'),
        '\nconst x = eval("1+1");\n',
      );
      const failing = spawnSync(
        process.execPath,
        ['scripts/security-scan.mjs', '--dist', copy.dist],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      expect(failing.stdout).toMatch(/FAIL\s+built output/);
      expect(failing.stdout).toMatch(/libs\/core\/src\/index\.js:\d+\s+eval/);
      expect(failing.status).toBe(1);
    } finally {
      rmSync(copy.dir, { recursive: true, force: true });
    }
  });
});
