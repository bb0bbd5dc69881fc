import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { cliPackage, startCliService, type CliService } from './support/cli-service';
import { freePort, ROOT } from './support/processes';

const CLI = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
/** The CLI gives up (exit 3, one line) well before the test's own timeout. */
const WAIT = '40';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr's lines without the progress lines. */
  errors: string[];
}

/** The built CLI as a CI job runs it: its own process, input on a pipe, env only as given. */
async function techsapo(
  args: string[],
  options: { env?: Record<string, string>; input?: string | Buffer; cwd?: string } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // The CLI stops reading standard input past 1 MiB; the rest is not written.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const [code] = (await once(child, 'exit')) as [number | null];
  const errors = stderr
    .split('\n')
    .filter((l) => l.startsWith('techsapo: error:') || l.startsWith('techsapo: gate'));
  return { code, stdout, stderr, errors };
}

/** One clear line: no stack trace, no second error line. */
function expectOneLine(run: CliRun, pattern: RegExp): void {
  expect(run.errors).toHaveLength(1);
  expect(run.errors[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(run.stderr).not.toMatch(/Error:|TypeError|Unhandled/);
}

describe('techsapo CLI (built, as a process)', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('dist/ is missing: run npm run build first');
    dir = mkdtempSync(join(tmpdir(), 'techsapo-cli-e2e-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('bad input: exit 2 and one line, before any call', () => {
    const env = { TECHSAPO_URL: 'http://127.0.0.1:9', TECHSAPO_API_KEY: 'tsk_unused' };

    it('a missing file', async () => {
      const run = await techsapo(['analyze', join(dir, 'missing.ts')], { env });
      expect(run.code).toBe(2);
      expectOneLine(run, /^techsapo: error: .*missing\.ts: no such file$/);
    });

    it('a binary file', async () => {
      const png = join(dir, 'logo.png');
      writeFileSync(
        png,
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      );
      const run = await techsapo(['analyze', png], { env });
      expect(run.code).toBe(2);
      expectOneLine(run, /^techsapo: error: .*logo\.png is a binary file/);
    });

    it('empty, binary and missing files: analyze and scan answer alike', async () => {
      const empty = join(dir, 'empty.ts');
      writeFileSync(empty, '');
      const png = join(dir, 'pixel.png');
      writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
      const cases: [string, RegExp][] = [
        [empty, /empty\.ts is empty: nothing to (analyse|scan)$/],
        [png, /pixel\.png is a binary file; only text can be (analysed|scanned)$/],
        [join(dir, 'gone.ts'), /gone\.ts: no such file$/],
      ];
      for (const [file, pattern] of cases) {
        for (const command of ['analyze', 'scan']) {
          const run = await techsapo([command, file], { env });
          expect({ command, file, code: run.code }).toEqual({ command, file, code: 2 });
          expectOneLine(run, /^techsapo: error: /);
          expect(run.errors[0]).toMatch(pattern);
          expect(run.stdout).toBe('');
        }
      }
      const stdin = await techsapo(['scan', '-'], { input: '  \n' });
      expect(stdin.code).toBe(2);
      expectOneLine(stdin, /^techsapo: error: standard input is empty: nothing to scan$/);
    });

    it('a bad --channel of scan: one line, not the usage', async () => {
      const run = await techsapo(['scan', '--channel', 'email', '-'], { input: 'x' });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^techsapo: error: option '-c, --channel <channel>' argument 'email' is invalid\. one of request-field, /,
        ),
      ]);
    });

    it('a file over 1 MiB, and as much on standard input', async () => {
      const big = join(dir, 'big.txt');
      writeFileSync(big, 'x'.repeat(1024 * 1024 + 1));
      const file = await techsapo(['analyze', big], { env });
      expect(file.code).toBe(2);
      expectOneLine(
        file,
        /^techsapo: error: .*big\.txt is 1\.00 MiB \(1048577 bytes\); the limit is 1 MiB/,
      );
      const stdin = await techsapo(['analyze', '-'], { env, input: 'y'.repeat(2 * 1024 * 1024) });
      expect(stdin.code).toBe(2);
      expectOneLine(stdin, /^techsapo: error: standard input is [\d.]+ MiB .*the limit is 1 MiB/);
    });

    it('bad flags, empty input, no API key', async () => {
      const mode = await techsapo(['analyze', '--mode', 'solo', 'x'], { env });
      expect(mode.code).toBe(2);
      expect(mode.stderr.trim().split('\n')).toEqual([
        "techsapo: error: option '--mode <mode>' argument 'solo' is invalid. Allowed choices are parallel, sequential, council.",
      ]);
      const empty = await techsapo(['analyze'], { env, input: '' });
      expect(empty.code).toBe(2);
      expectOneLine(empty, /^techsapo: error: standard input is empty: nothing to analyse$/);
      const noKey = await techsapo(['analyze', '-'], {
        env: { TECHSAPO_URL: env.TECHSAPO_URL },
        input: 'q',
      });
      expect(noKey.code).toBe(2);
      expectOneLine(noKey, /^techsapo: error: TECHSAPO_API_KEY is not set/);
    });
  });

  describe('server and network errors: exit 3 and one line', () => {
    it('an unreachable server', async () => {
      const port = await freePort();
      const run = await techsapo(['analyze', '-'], {
        env: { TECHSAPO_URL: `http://127.0.0.1:${port}`, TECHSAPO_API_KEY: 'tsk_x' },
        input: 'question',
      });
      expect(run.code).toBe(3);
      expect(run.errors).toEqual([
        `techsapo: error: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`,
      ]);
      expectOneLine(run, /^techsapo: error: cannot reach/);
    });

    it('429 with Retry-After: waits as told, retries a bounded number of times, then gives up', async () => {
      const seen: number[] = [];
      const limiter = await listen(
        createServer((req, res) => {
          seen.push(Date.now());
          req.resume();
          res.writeHead(429, {
            'content-type': 'application/problem+json',
            'retry-after': '1',
            'x-request-id': 'rl-1',
          });
          res.end(
            JSON.stringify({
              type: 'x/rate-limited',
              title: 'Too Many Requests',
              status: 429,
              detail: 'slow down',
              instance: req.url,
              requestId: 'rl-1',
            }),
          );
        }),
      );
      try {
        const run = await techsapo(['analyze', '-'], {
          env: { TECHSAPO_URL: limiter.url, TECHSAPO_API_KEY: 'tsk_x' },
          input: 'question',
        });
        expect(run.code).toBe(3);
        expectOneLine(
          run,
          /^techsapo: error: 429 rate limited after 4 attempts; retry after 1 s \(request id rl-1\)$/,
        );
        expect(run.stderr).toContain('techsapo: rate limited; retrying in 1 s (retry 1)');
        expect(seen).toHaveLength(4);
        // Each retry came no sooner than the server asked (Retry-After: 1).
        for (let i = 1; i < seen.length; i += 1)
          expect(seen[i] - seen[i - 1]).toBeGreaterThanOrEqual(990);
      } finally {
        await limiter.close();
      }
    });
  });

  it('techsapo scan still works beside analyze', async () => {
    const run = await techsapo(['scan', '--channel', 'request-text', '-'], {
      input: 'const r = eval(input);',
    });
    expect(run.code).toBe(0);
    // Code under review: a risk noted, nothing flagged.
    expect(JSON.parse(run.stdout)).toMatchObject({
      verdict: 'clean',
      findings: [{ rule: 'risk.eval', kind: 'risk', action: 'note' }],
    });
    const answer = await techsapo(['scan', '--channel', 'llm-answer', '--fail-on', 'block', '-'], {
      input: "fs.writeFileSync(__filename, '');",
    });
    expect(answer.code).toBe(1);
    expect(JSON.parse(answer.stdout)).toMatchObject({ verdict: 'block' });
  });

  it('scan --lines: only the lines with findings, each finding with its line and column', async () => {
    const file = join(dir, 'payloads.txt');
    writeFileSync(file, 'hello\n\nplain text\n  fs.writeFileSync(__filename, "");\nbye\n');
    const run = await techsapo(['scan', '--lines', '--channel', 'llm-answer', file]);
    expect(run.code).toBe(0);
    type Placed = { line: number; column: number; rule: string };
    const results = JSON.parse(run.stdout) as {
      file: string;
      line: number;
      verdict: string;
      findings: Placed[];
    }[];
    expect(results.map(({ file, line, verdict }) => ({ file, line, verdict }))).toEqual([
      { file, line: 4, verdict: 'block' },
    ]);
    const placed = (findings: Placed[]) => findings.map(({ line, column }) => ({ line, column }));
    expect(results[0].findings.length).toBeGreaterThan(0);
    expect(new Set(placed(results[0].findings).map((p) => `${p.line}:${p.column}`))).toEqual(
      new Set(['4:3']),
    );
    // Whole-file scans place findings the same way.
    const whole = await techsapo(['scan', '--channel', 'llm-answer', file]);
    const all = JSON.parse(whole.stdout) as { verdict: string; findings: Placed[] };
    expect(all.verdict).toBe('block');
    expect(placed(all.findings)).toEqual(placed(results[0].findings));
  });

  it("the README's `npx techsapo` runs the built command: the build keeps its execute bit", () => {
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    const version = execFileSync('npx', ['--no-install', 'techsapo', '--version'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
    });
    expect(version.trim()).toBe(cliPackage().version);
  });

  it('scan and analyze load the detector library only: no Nest, Redis, CASL or metrics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'techsapo-cli-modules-'));
    try {
      const out = join(dir, 'modules.json');
      const hook = join(dir, 'record-modules.js');
      // Written when the process ends: every module it loaded.
      writeFileSync(
        hook,
        `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`,
      );
      // What a run loaded, whatever its exit code (analyze exits 3: no server answers).
      const loaded = (args: string[], input: string): string[] => {
        spawnSync(process.execPath, ['--require', hook, CLI, ...args], {
          input,
          env: {
            PATH: process.env.PATH ?? '',
            TECHSAPO_URL: 'http://127.0.0.1:9',
            TECHSAPO_API_KEY: 'tsk_x',
          },
        });
        return JSON.parse(readFileSync(out, 'utf8')) as string[];
      };
      const scan = loaded(['scan', '--channel', 'llm-answer', '-'], 'fs.writeFileSync(__filename)');
      const analyze = loaded(['analyze', '--wait', '1', '-'], 'const a = 1;');
      for (const modules of [scan, analyze]) {
        expect(
          modules.some((m) => m.endsWith(join('dist', 'libs', 'detector', 'src', 'index.js'))),
        ).toBe(true);
        const server = modules.filter(
          (m) =>
            /node_modules\/(@nestjs|ioredis|@casl|prom-client|bull|@willsoto|class-validator)\//.test(
              m,
            ) || /dist\/libs\/(core|security|audit|wall-bounce|mcp-proxy)\//.test(m),
        );
        expect(server).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('techsapo analyze against the running service (simulated providers)', () => {
  let running: CliService;
  let url: string;
  let key: string;
  let dir: string;
  const env = () => ({ TECHSAPO_URL: url, TECHSAPO_API_KEY: key });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'techsapo-cli-e2e-'));
    running = await startCliService();
    ({ url, key } = running);
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('json: the completed Analysis on stdout, live progress on stderr, exit 0', async () => {
    const file = join(dir, 'cache.ts');
    writeFileSync(file, 'export const ttl = 60; // how long should Redis keep this?\n');
    const run = await techsapo(
      ['analyze', file, '--mode', 'parallel', '--no-cache', '--wait', WAIT],
      {
        env: env(),
      },
    );
    expect(run.code).toBe(0);
    const analysis = JSON.parse(run.stdout);
    expect(analysis).toMatchObject({ status: 'completed', mode: 'parallel' });
    expect(analysis.result.providers.length).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toContain(`techsapo: analysis ${analysis.id} queued (mode parallel)`);
    expect(run.stderr).toMatch(/techsapo: provider \S+.* answered/);
    expect(run.stderr).toMatch(/techsapo: completed/);
    expect(run.errors).toEqual([]);
  });

  it('markdown: answer, consensus, providers table', async () => {
    const run = await techsapo(
      ['analyze', '-', '--format', 'markdown', '--quiet', '--wait', WAIT],
      {
        env: env(),
        input: 'How long should a cache entry live?',
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('# TechSapo analysis');
    expect(run.stdout).toContain('## Answer');
    expect(run.stdout).toMatch(/\| consensus \| level \| method \| confidence \| degraded \|/);
    expect(run.stdout).toMatch(/\| provider \| model \| status \|/);
    expect(run.stderr).toBe('');
  });

  it('sarif: valid SARIF 2.1.0 with the flags of the content as results at their lines', async () => {
    const file = join(dir, 'patch.ts');
    writeFileSync(file, 'const a = 1;\nconst r = eval(userInput);\n');
    const run = await techsapo(
      ['analyze', file, '--format', 'sarif', '--quiet', '--no-cache', '--wait', WAIT],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(run.code).toBe(0);
    const log = JSON.parse(run.stdout);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].tool.driver.name).toBe('techsapo');
    // eval in code under review is a risk of the code, an informational note, and nothing
    // of the detector is an error or a warning.
    const evalResult = log.runs[0].results.find(
      (r: { ruleId: string }) => r.ruleId === 'risk.eval',
    );
    expect([evalResult.level, evalResult.kind]).toEqual(['note', 'fail']);
    expect(
      log.runs[0].results.filter((r: { level?: string }) =>
        ['error', 'warning'].includes(r.level ?? ''),
      ),
    ).toEqual([]);
    expect(evalResult.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'patch.ts' },
      region: { startLine: 2, startColumn: 11 },
    });
  });

  it('--diff REF: analyses the git diff', async () => {
    const repo = join(dir, 'repo');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
      });
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(repo, 'a.py'), 'x = 1\n');
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    writeFileSync(join(repo, 'a.py'), 'x = 2\n');
    const run = await techsapo(['analyze', '--diff', 'HEAD', '--quiet', '--wait', WAIT], {
      env: env(),
      cwd: repo,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).status).toBe('completed');
  });

  it('gates: exit 1 below --min-consensus, with the result still on stdout', async () => {
    const run = await techsapo(
      ['analyze', '-', '--min-consensus', '1', '--quiet', '--wait', WAIT],
      {
        env: env(),
        input: 'Is this gate strict?',
      },
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).status).toBe('completed');
    expectOneLine(run, /^techsapo: gate failed: consensus [\d.]+ is below --min-consensus 1$/);
  });

  it('--wait 0 returns the queued analysis at once', async () => {
    const run = await techsapo(['analyze', '-', '--wait', '0', '--quiet', '--no-cache'], {
      env: env(),
      input: 'Fire and forget?',
    });
    expect(run.code).toBe(0);
    expect(['queued', 'running', 'completed']).toContain(JSON.parse(run.stdout).status);
  });

  it('401: a wrong API key is exit 3 in one line', async () => {
    const run = await techsapo(['analyze', '-'], {
      env: { TECHSAPO_URL: url, TECHSAPO_API_KEY: 'tsk_not_a_key' },
      input: 'question',
    });
    expect(run.code).toBe(3);
    expectOneLine(run, /^techsapo: error: 401 not authenticated: .*; check TECHSAPO_API_KEY$/);
  });

  it('429 with Retry-After is honoured once, then the analysis goes through', async () => {
    let refused = 0;
    const front = await listen(
      createServer((req, res) => {
        if (req.method === 'POST' && refused === 0) {
          refused += 1;
          req.resume();
          res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '1' });
          return res.end(
            JSON.stringify({ type: 'x/rate-limited', title: 'Too Many Requests', status: 429 }),
          );
        }
        // Everything else goes to the real service.
        const target = new URL(url);
        const upstream = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      }),
    );
    try {
      const run = await techsapo(['analyze', '-', '--no-cache', '--wait', WAIT], {
        env: { TECHSAPO_URL: front.url, TECHSAPO_API_KEY: key },
        input: 'Rate limited once?',
      });
      expect(run.code).toBe(0);
      expect(refused).toBe(1);
      expect(run.stderr).toContain('techsapo: rate limited; retrying in 1 s (retry 1)');
      expect(JSON.parse(run.stdout).status).toBe('completed');
    } finally {
      await front.close();
    }
  });
});

async function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const sarifValidator = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(
    JSON.parse(
      readFileSync(
        require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
        'utf8',
      ),
    ) as object,
  );
})();
function sarifErrors(log: unknown): string[] {
  return sarifValidator(log)
    ? []
    : (sarifValidator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
