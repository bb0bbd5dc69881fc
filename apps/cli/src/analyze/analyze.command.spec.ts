import { CommanderError } from 'commander';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '../api/types';
import { detectorWithRules } from '../../../../test/support/detector-rules';
import { ExitCode } from '../errors';
import {
  analyzeCommand,
  DEFAULT_WAIT_SECONDS,
  runAnalyze,
  type AnalyzeOptions,
} from './analyze.command';

const requestDetector = () => detectorWithRules(['code-execution.eval', 'risk.eval']);

/** The analyses endpoints of API.md, small enough to steer each answer from a test. */
class FakeServer {
  server!: Server;
  url!: string;
  requests: { method: string; path: string; auth?: string; body?: unknown }[] = [];
  /** Answers to give before the real one (429s, 500s...), consumed in order. */
  failures: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  eventsStatus = 200;
  /** Keep the event stream open without a word after the events. */
  eventsHang = false;
  events: { event: string; data: unknown }[] = [];
  final: Analysis = completed();
  /** How many GETs of the analysis still answer `running`. */
  runningReads = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private problem(
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body?: unknown,
  ) {
    res.writeHead(status, {
      'content-type': 'application/problem+json',
      'x-request-id': 'req-1',
      ...headers,
    });
    res.end(
      JSON.stringify(
        body ?? {
          type: 'about:blank',
          title: `status ${status}`,
          status,
          detail: `detail ${status}`,
          instance: '/',
          requestId: 'req-1',
        },
      ),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = req.url ?? '';
    this.requests.push({
      method: req.method ?? '',
      path,
      auth: req.headers.authorization,
      body: raw ? JSON.parse(raw) : undefined,
    });
    if (req.headers.authorization !== 'Bearer tsk_good') {
      return this.problem(
        res,
        401,
        { 'www-authenticate': 'Bearer' },
        {
          type: 'x/unauthorized',
          title: 'Unauthorized',
          status: 401,
          detail: 'Invalid API key',
          instance: path,
          requestId: 'req-1',
        },
      );
    }
    const failure = this.failures.shift();
    if (failure) return this.problem(res, failure.status, failure.headers ?? {}, failure.body);
    if (req.method === 'POST' && path.startsWith('/api/v1/analyses')) {
      res.writeHead(202, {
        'content-type': 'application/json',
        location: `/api/v1/analyses/${this.final.id}`,
      });
      return res.end(
        JSON.stringify({ ...this.final, status: 'queued', result: undefined, error: undefined }),
      );
    }
    if (req.method === 'GET' && path.endsWith('/events')) {
      if (this.eventsStatus !== 200) return this.problem(res, this.eventsStatus, {});
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': connected\n\n');
      this.events.forEach((e, i) => {
        res.write(`id: ${i + 1}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
      });
      return this.eventsHang ? undefined : res.end();
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (this.runningReads > 0) {
        this.runningReads -= 1;
        return res.end(JSON.stringify({ ...this.final, status: 'running', result: undefined }));
      }
      return res.end(JSON.stringify(this.final));
    }
    this.problem(res, 404, {});
  }
}

function completed(score = 0.82, degraded = false): Analysis {
  return {
    id: 'an_1',
    status: 'completed',
    mode: 'parallel',
    createdAt: '2026-12-01T00:00:00.000Z',
    ownerId: 'u1',
    cached: false,
    usage: {
      inputTokens: 1,
      outputTokens: 1,
      costUsd: 0,
      calls: 1,
      failedCalls: 0,
      estimatedCalls: 0,
      providers: [],
    },
    result: {
      answer: 'Looks fine.',
      confidence: 0.7,
      consensus: {
        score,
        level: 'strong',
        method: 'measured-peer-agreement',
        independent: true,
        signals: [],
      },
      degraded,
      degradedReasons: degraded ? ['provider b timed out'] : [],
      providers: [
        {
          name: 'a',
          model: 'm',
          status: 'ok',
          latencyMs: 5,
          usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
          roles: ['peer'],
        },
      ],
      dissent: [],
      security: {
        flags: [],
        allowedOperations: ['read', 'analyze', 'suggest'],
        deniedOperations: ['write', 'execute', 'modify'],
      },
      usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
      task: 'review',
      verdict: 'minor-issues',
      confidenceSignals: [],
    },
  };
}

const event = (type: string, data: Record<string, unknown> = {}) => ({
  event: type,
  data: { type, analysisId: 'an_1', seq: 1, at: '2026-12-01T00:00:00.000Z', data },
});

describe('techsapo analyze', () => {
  const fake = new FakeServer();
  let dir: string;
  let file: string;
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.requests = [];
    fake.failures = [];
    fake.eventsStatus = 200;
    fake.eventsHang = false;
    fake.final = completed();
    fake.runningReads = 0;
    fake.events = [
      event('queued'),
      event('started'),
      event('provider_started', { provider: 'a', model: 'm' }),
      event('provider_completed', { provider: 'a', latencyMs: 5 }),
      event('aggregating'),
      event('completed', { consensus: { score: 0.82 } }),
    ];
    dir = mkdtempSync(join(tmpdir(), 'techsapo-analyze-'));
    file = join(dir, 'a.ts');
    writeFileSync(file, 'export const a = 1;\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** How often an open stream is double-checked; short only where a test needs it. */
  let checkMs = 60_000;
  const options = (extra: Partial<AnalyzeOptions> = {}): AnalyzeOptions => ({
    mode: 'parallel',
    wait: 30,
    format: 'json',
    cache: true,
    ...extra,
  });
  async function run(
    files: string[],
    extra: Partial<AnalyzeOptions> = {},
    env: Record<string, string> = {},
  ) {
    let stdout = '';
    let stderr = '';
    const sleeps: number[] = [];
    const code = await runAnalyze(files, options(extra), {
      env: { TECHSAPO_URL: fake.url, TECHSAPO_API_KEY: 'tsk_good', ...env },
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      stdinIsTty: true,
      cwd: dir,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      streamCheckMs: checkMs,
      // Polls a tenth of a second apart (a second in use): the rules, not the pace, are tested.
      pollIntervalMs: 100,
      // The files below are plain code: two rules stand for the server's policy.
      detector: requestDetector,
    });
    return { code, stdout, stderr, sleeps, lines: stderr.trim().split('\n') };
  }

  it('submits the files, reports progress from the event stream, prints the Analysis', async () => {
    const r = await run(['a.ts'], { mode: 'council' });
    expect(r.code).toBe(ExitCode.Ok);
    expect(JSON.parse(r.stdout)).toEqual(fake.final);
    expect(r.lines).toEqual([
      'techsapo: analysis an_1 queued (mode parallel)',
      'techsapo: queued',
      'techsapo: started',
      'techsapo: provider a (m) started',
      'techsapo: provider a answered in 5 ms',
      'techsapo: aggregating the answers',
      'techsapo: completed (consensus 0.82)',
    ]);
    const post = fake.requests.find((q) => q.method === 'POST');
    expect(post?.body).toEqual({
      content: '==> a.ts <==\nexport const a = 1;\n',
      mode: 'council',
      cache: true,
      // The repository path the content comes from (the server reads it as one).
      metadata: { source: 'a.ts' },
    });
    expect(fake.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /api/v1/analyses',
      'GET /api/v1/analyses/an_1/events',
      'GET /api/v1/analyses/an_1',
    ]);
  });

  it('prints markdown and SARIF', async () => {
    const md = await run(['a.ts'], { format: 'markdown', quiet: true });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('## Answer\n\nLooks fine.');
    expect(md.stderr).toBe('');
    const sarif = await run(['a.ts'], { format: 'sarif', quiet: true });
    expect(JSON.parse(sarif.stdout)).toMatchObject({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'techsapo' } } }],
    });
  });

  it('exits 1 when a gate fails, still printing the result', async () => {
    fake.final = completed(0.4, true);
    const low = await run(['a.ts'], { minConsensus: 0.5, quiet: true });
    expect(low.code).toBe(ExitCode.GateFailed);
    expect(JSON.parse(low.stdout).id).toBe('an_1');
    expect(low.lines).toEqual([
      'techsapo: gate failed: consensus 0.40 is below --min-consensus 0.5',
    ]);
    const degraded = await run(['a.ts'], { failOnDegraded: true, quiet: true });
    expect(degraded.code).toBe(ExitCode.GateFailed);
    expect(degraded.lines).toEqual([
      'techsapo: gate failed: the result is degraded (provider b timed out)',
    ]);
    expect((await run(['a.ts'], { minConsensus: 0.4, quiet: true })).code).toBe(ExitCode.Ok);
  });

  it('--output FILE: the result written there only when there is one, an old one removed', async () => {
    const out = join(dir, 'techsapo.sarif');
    fake.final = completed(0.4, true);
    const gate = await run(['a.ts'], {
      format: 'sarif',
      minConsensus: 0.5,
      quiet: true,
      output: 'techsapo.sarif',
    });
    expect(gate.code).toBe(ExitCode.GateFailed);
    expect(gate.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ version: '2.1.0' });
    // No result (the server cannot be reached): no file, not even the last run's.
    const down = await run(
      ['a.ts'],
      { quiet: true, output: 'techsapo.sarif' },
      {
        TECHSAPO_URL: 'http://127.0.0.1:9',
      },
    );
    expect(down.code).toBe(ExitCode.Server);
    expect(existsSync(out)).toBe(false);
  });

  it('files all excluded: nothing to analyse, exit 0, no call and no output', async () => {
    writeFileSync(join(dir, 'b.lock'), 'lock\n');
    const r = await run(['b.lock'], { exclude: ['*.lock'], output: 'out.json' });
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.stdout).toBe('');
    expect(r.lines).toEqual(['techsapo: every file is excluded: nothing to analyse, no result']);
    expect(fake.requests).toEqual([]);
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
  });

  it('exits 1 when the analysis failed', async () => {
    fake.final = {
      ...completed(),
      status: 'failed',
      result: undefined,
      error: {
        type: 'x/insufficient-providers',
        title: 'Insufficient providers',
        status: 503,
        detail: 'one answer',
        instance: '/api/v1/analyses/an_1',
        requestId: 'r1',
      },
    };
    fake.events = [event('failed', { error: 'insufficient providers' })];
    const r = await run(['a.ts']);
    expect(r.code).toBe(ExitCode.GateFailed);
    expect(r.lines.at(-1)).toBe(
      'techsapo: gate failed: analysis an_1 failed: Insufficient providers (one answer)',
    );
  });

  it('polls the analysis when the event stream is unavailable', async () => {
    fake.eventsStatus = 404;
    fake.runningReads = 2;
    const r = await run(['a.ts']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.lines).toContain('techsapo: event stream unavailable; polling instead');
    expect(r.lines).toContain('techsapo: completed');
    expect(fake.requests.filter((q) => q.path === '/api/v1/analyses/an_1')).toHaveLength(3);
  });

  it('does not wait on a stream that went quiet once the analysis has ended', async () => {
    fake.events = [event('queued'), event('started')];
    fake.eventsHang = true;
    checkMs = 100;
    const r = await run(['a.ts'], { wait: 120 }).finally(() => (checkMs = 60_000));
    expect(r.code).toBe(ExitCode.Ok);
    expect(JSON.parse(r.stdout).status).toBe('completed');
    expect(r.lines).not.toContain('techsapo: event stream unavailable; polling instead');
  });

  it('with --wait 0 prints the queued analysis without following it', async () => {
    const r = await run(['a.ts'], { wait: 0 });
    expect(r.code).toBe(ExitCode.Ok);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'an_1', status: 'queued' });
    expect(fake.requests).toHaveLength(1);
  });

  it('exits 3 when no result comes within --wait', async () => {
    fake.events = [];
    fake.runningReads = 1_000_000;
    const r = await run(['a.ts'], { wait: 1, quiet: true });
    expect(r.code).toBe(ExitCode.Server);
    expect(r.stdout).toBe('');
    expect(r.lines).toEqual([
      'techsapo: error: no result within 1 s: analysis an_1 is still running',
    ]);
  });

  it('honours Retry-After on 429 a bounded number of times', async () => {
    fake.failures = [
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 429, headers: { 'retry-after': '1' } },
    ];
    const ok = await run(['a.ts']);
    expect(ok.code).toBe(ExitCode.Ok);
    expect(ok.sleeps).toEqual([2000, 1000]);
    expect(ok.lines.slice(0, 2)).toEqual([
      'techsapo: rate limited; retrying in 2 s (retry 1)',
      'techsapo: rate limited; retrying in 1 s (retry 2)',
    ]);

    fake.failures = Array.from({ length: 10 }, () => ({
      status: 429,
      headers: { 'retry-after': '1' },
    }));
    const gaveUp = await run(['a.ts'], { quiet: true });
    expect(gaveUp.code).toBe(ExitCode.Server);
    expect(gaveUp.sleeps).toEqual([1000, 1000, 1000]);
    expect(gaveUp.lines).toEqual([
      'techsapo: error: 429 rate limited after 4 attempts; retry after 1 s (request id req-1)',
    ]);
  });

  it('does not sit out a ban: a long Retry-After fails at once', async () => {
    fake.failures = [{ status: 429, headers: { 'retry-after': '900' } }];
    const r = await run(['a.ts'], { quiet: true });
    expect(r.code).toBe(ExitCode.Server);
    expect(r.sleeps).toEqual([]);
    expect(r.lines).toEqual([
      'techsapo: error: 429 rate limited; retry after 900 s (request id req-1)',
    ]);
  });

  it('answers 401, 5xx, 400 and an unreachable server in one line each', async () => {
    const unauthorized = await run(['a.ts'], {}, { TECHSAPO_API_KEY: 'tsk_bad' });
    expect(unauthorized.code).toBe(ExitCode.Server);
    expect(unauthorized.lines).toEqual([
      'techsapo: error: 401 not authenticated: Invalid API key; check TECHSAPO_API_KEY',
    ]);

    fake.failures = [{ status: 500 }];
    const broken = await run(['a.ts']);
    expect(broken.code).toBe(ExitCode.Server);
    expect(broken.lines).toEqual([
      'techsapo: error: 500 server error: detail 500 (request id req-1)',
    ]);

    fake.failures = [
      {
        status: 400,
        body: {
          type: 'x/validation',
          title: 'Bad',
          status: 400,
          detail: 'invalid',
          instance: '/',
          requestId: 'r2',
          errors: [{ field: 'content', message: 'too long' }],
        },
      },
    ];
    const refused = await run(['a.ts']);
    expect(refused.code).toBe(ExitCode.Usage);
    expect(refused.lines).toEqual([
      'techsapo: error: 400 the server refused the request: content: too long (request id r2)',
    ]);

    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const unreachable = await run(['a.ts'], {}, { TECHSAPO_URL: `http://127.0.0.1:${port}` });
    expect(unreachable.code).toBe(ExitCode.Server);
    expect(unreachable.lines).toEqual([
      `techsapo: error: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`,
    ]);
  });

  it('refuses bad input and configuration with exit 2 before calling the server', async () => {
    const cases: [string[], Partial<AnalyzeOptions>, Record<string, string>, string][] = [
      [['missing.ts'], {}, {}, 'techsapo: error: missing.ts: no such file'],
      [
        [],
        {},
        {},
        'techsapo: error: nothing to analyse: name FILES, use --diff REF, or pipe text into -',
      ],
      [
        ['a.ts'],
        {},
        { TECHSAPO_API_KEY: '' },
        'techsapo: error: TECHSAPO_API_KEY is not set (an API key, tsk_…)',
      ],
      [
        ['a.ts'],
        {},
        { TECHSAPO_URL: 'not a url' },
        'techsapo: error: TECHSAPO_URL is not a URL: "not a url"',
      ],
      [
        ['a.ts'],
        { wait: 0, minConsensus: 0.5 },
        {},
        'techsapo: error: --min-consensus and --fail-on-degraded need a result; not with --wait 0',
      ],
    ];
    for (const [files, extra, env, line] of cases) {
      const r = await run(files, extra, env);
      expect([r.code, r.stderr]).toEqual([ExitCode.Usage, `${line}\n`]);
    }
    expect(fake.requests).toEqual([]);
  });
});

describe('techsapo analyze arguments', () => {
  function parse(args: string[]): { files?: string[]; options?: AnalyzeOptions; error?: string } {
    let parsed: { files: string[]; options: AnalyzeOptions } | undefined;
    let error = '';
    const command = analyzeCommand()
      .exitOverride()
      .configureOutput({ writeErr: (t) => (error += t), writeOut: () => undefined })
      .action((files: string[], options: AnalyzeOptions) => {
        parsed = { files, options };
      });
    try {
      command.parse(args, { from: 'user' });
    } catch (e) {
      if (!(e instanceof CommanderError)) throw e;
      return { error: error.trim() };
    }
    return { ...parsed! };
  }

  it('has defaults: parallel, json, 300 s, cache on, no gates', () => {
    expect(parse(['a.ts', 'b.ts'])).toEqual({
      files: ['a.ts', 'b.ts'],
      options: {
        mode: 'parallel',
        format: 'json',
        wait: DEFAULT_WAIT_SECONDS,
        cache: true,
        exclude: [],
      },
    });
  });

  it('reads every flag', () => {
    expect(
      parse([
        '--diff',
        'origin/main',
        '--mode',
        'council',
        '--wait',
        '0',
        '--format',
        'sarif',
        '--min-consensus',
        '0.75',
        '--fail-on-degraded',
        '--no-cache',
        '-q',
        '--exclude',
        '*.lock',
        '--exclude',
        'dist/**',
        '-o',
        'techsapo.sarif',
        'src/x.ts',
      ]).options,
    ).toEqual({
      diff: 'origin/main',
      mode: 'council',
      wait: 0,
      format: 'sarif',
      minConsensus: 0.75,
      failOnDegraded: true,
      cache: false,
      quiet: true,
      exclude: ['*.lock', 'dist/**'],
      output: 'techsapo.sarif',
    });
    expect(parse(['-']).files).toEqual(['-']);
  });

  it.each([
    [
      ['--mode', 'solo'],
      "argument 'solo' is invalid. Allowed choices are parallel, sequential, council.",
    ],
    [['--format', 'xml'], "argument 'xml' is invalid. Allowed choices are json, markdown, sarif."],
    [['--wait', '-1'], "argument '-1' is invalid. a whole number of seconds"],
    [['--wait', '1.5'], "argument '1.5' is invalid. a whole number of seconds"],
    [['--min-consensus', '1.2'], "argument '1.2' is invalid. a number from 0 to 1, e.g. 0.7"],
    [['--min-consensus', 'high'], "argument 'high' is invalid. a number from 0 to 1, e.g. 0.7"],
    [['--diff'], "option '--diff <ref>' argument missing"],
    [['--frobnicate'], "unknown option '--frobnicate'"],
  ])('refuses %j in one line', (args, message) => {
    const { error } = parse(args);
    expect(error).toContain(message);
    expect(error).not.toContain('\n');
  });
});
