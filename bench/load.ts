// `npm run load [-- --duration 60] [normal|peak|stress ...]`: seed 000's load scenarios (SC1)
// against ONE API process and ONE worker on this machine, each driven at its offered rate with
// autocannon, under the default rate limits (RL1) and with users spread over their own client
// addresses. Reports sustained throughput, error rate, p50/p99, the API process's CPU and each
// role's peak RSS (against the goal of ≤ 200 MB at stress) per scenario; figures go to
// bench/results/load.json. `npm run bench` runs the same
// scenarios for a shorter time (bench/sections/load.bench.ts).
//
// The request mix: authenticated reads (GET /api/v1/auth/me) for every user session; when the
// service has POST /api/v1/analyses (wall-bounce), the scenario's analyses per minute are part
// of the requests per minute as POSTs, and their completion by the worker is counted.
import 'reflect-metadata';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { redisConfig, RedisService } from '@techsapo/core';
import { PasswordHasher, UsersService, UsersStore } from '@techsapo/security';
import {
  freePort,
  MAIN,
  RunningProcess,
  runtimeEnv,
  runtimeFlags,
  startService,
  waitForHttp,
} from '../test/support/processes';
import { render, type BenchGoal, type BenchSection } from './bench-section';
import { buildOnce } from './bench-service';

export interface Scenario {
  name: string;
  users: number;
  requestsPerMinute: number;
  analysesPerMinute: number;
}

/** SC1 (seed 000): users, requests per minute, analyses per minute. */
export const SCENARIOS: Scenario[] = [
  { name: 'normal', users: 100, requestsPerMinute: 500, analysesPerMinute: 50 },
  { name: 'peak', users: 1000, requestsPerMinute: 5000, analysesPerMinute: 500 },
  { name: 'stress', users: 5000, requestsPerMinute: 25000, analysesPerMinute: 2500 },
];

/**
 * Users are sessions with a client address each. Logging in 5000 users costs 5000 scrypt
 * hashes before the first measured request, so at most MAX_SESSIONS sessions carry the load:
 * at stress each makes 50 requests a minute, inside the per-session limits (100/min, 20/s).
 */
const MAX_SESSIONS = 500;
const SESSIONS_PER_USER = 5; // SESSION_MAX_PER_USER's default

interface Session {
  token: string;
  address: string;
}

export interface ScenarioResult {
  scenario: string;
  sessions: number;
  offeredPerMinute: number;
  sustainedPerMinute: number;
  requests: number;
  analysesSubmitted: number;
  /** Finished by the worker during the scenario and its drain (NaN without the metric). */
  analysesFinished: number;
  drainSeconds: number;
  errorRate: number;
  errors: number;
  p50: number;
  p99: number;
  apiCpuPercent: number;
  /**
   * The worker's CPU time (process_cpu_seconds_total) from the scenario's start to the end of
   * its drain, per analysis it finished, in ms (NaN without analyses).
   */
  workerCpuMsPerAnalysis: number;
  apiRssMiB: number;
  /** Each role's largest RSS sampled during the scenario, in MB (10^6 bytes). */
  apiRssMaxMB: number;
  workerRssMaxMB: number;
  /** The machine's 1-minute load average at the end: other work on it shows here. */
  loadAverage: number;
}

interface Stack {
  base: string;
  workerBase: string;
  api: RunningProcess;
  worker: RunningProcess;
  prefix: string;
  stop(): Promise<void>;
}

/**
 * One API process and one worker, as `npm start` runs them (built, permission model, heap flags
 * and the C allocator's settings).
 */
async function startStack(): Promise<Stack> {
  buildOnce();
  const prefix = `load${randomBytes(3).toString('hex')}`;
  const shared = {
    ...runtimeEnv(),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ADMIN_USERNAME: 'load-admin',
    ADMIN_PASSWORD: randomBytes(16).toString('hex'),
    TRUST_PROXY: 'true',
  };
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  // Each role with its own flags (the worker's heap flags differ), as `npm start` gives them.
  const api = startService({ ...shared, ROLE: 'api', PORT: String(apiPort) }, [
    ...runtimeFlags({ ROLE: 'api' }),
    MAIN,
  ]);
  const worker = startService({ ...shared, ROLE: 'worker', PORT: String(workerPort) }, [
    ...runtimeFlags({ ROLE: 'worker' }),
    MAIN,
  ]);
  const base = `http://127.0.0.1:${apiPort}`;
  const stop = async () => {
    for (const p of [api, worker]) p.child.kill('SIGTERM');
    await Promise.all([api.exited, worker.exited]);
    const redis = new RedisService(redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: prefix }));
    await redis.deleteMatching(`${prefix}:*`);
    await redis.onApplicationShutdown();
  };
  try {
    await waitForHttp(`${base}/health/ready`, 60000);
    await waitForHttp(`http://127.0.0.1:${workerPort}/health/ready`, 60000);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\napi: ${api.output()}\nworker: ${worker.output()}`);
  }
  return { base, workerBase: `http://127.0.0.1:${workerPort}`, api, worker, prefix, stop };
}

/** `count` analysts (created with the library, not timed), each logged in over HTTP. */
async function openSessions(stack: Stack, count: number): Promise<Session[]> {
  const redis = new RedisService(
    redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: stack.prefix }),
  );
  const users = new UsersService(new UsersStore(redis), new PasswordHasher());
  const accounts: { username: string; password: string; address: string }[] = [];
  try {
    const n = Math.ceil(count / SESSIONS_PER_USER);
    for (let i = 0; i < n; i += 8) {
      const batch = Array.from({ length: Math.min(8, n - i) }, (_, j) => ({
        username: `load-${i + j}`,
        password: randomBytes(12).toString('hex'),
        address: `10.${(i + j) >> 8}.${(i + j) & 255}.1`,
      }));
      await Promise.all(batch.map((a) => users.create({ ...a, roles: ['analyst'] })));
      accounts.push(...batch);
    }
  } finally {
    await redis.onApplicationShutdown();
  }
  const sessions: Session[] = [];
  const logins = Array.from({ length: count }, (_, i) => accounts[i % accounts.length]);
  for (let i = 0; i < logins.length; i += 8) {
    const batch = await Promise.all(
      logins.slice(i, i + 8).map(async (a) => {
        const res = await fetch(`${stack.base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': a.address },
          body: JSON.stringify({ username: a.username, password: a.password }),
        });
        if (res.status !== 200) throw new Error(`login ${a.username}: ${res.status}`);
        const { accessToken } = (await res.json()) as { accessToken: string };
        return { token: accessToken, address: a.address };
      }),
    );
    sessions.push(...batch);
  }
  return sessions;
}

async function hasAnalyses(base: string): Promise<boolean> {
  const res = await fetch(`${base}/docs-json`);
  if (!res.ok) return false;
  const doc = (await res.json()) as { paths?: Record<string, Record<string, unknown>> };
  return Boolean(doc.paths?.['/api/v1/analyses']?.post);
}

/** The sum of every sample of a metric (all label sets), NaN when the metric is absent. */
function metricSum(text: string, name: string): number {
  let sum = NaN;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    sum = Number.isNaN(sum) ? value : sum + value;
  }
  return sum;
}

async function metrics(base: string): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

async function processFigures(base: string): Promise<{ cpuSeconds: number; rssBytes: number }> {
  const text = await metrics(base);
  return {
    cpuSeconds: metricSum(text, 'process_cpu_seconds_total'),
    rssBytes: metricSum(text, 'process_resident_memory_bytes'),
  };
}

/** The memory goal: each role's RSS through the stress scenario. */
const RSS_LIMIT_MB = 200;
const RSS_SAMPLE_MS = 1000;

/**
 * Samples each process's RSS (its own process_resident_memory_bytes) every second until
 * stopped, and returns the largest sample of each in MB. A failed sample is skipped.
 */
function sampleRss(bases: string[]): { stop(): Promise<number[]> } {
  const max = bases.map(() => NaN);
  const sample = () =>
    Promise.all(
      bases.map(async (base, i) => {
        const bytes = metricSum(
          await metrics(base).catch(() => ''),
          'process_resident_memory_bytes',
        );
        if (!Number.isNaN(bytes)) max[i] = Number.isNaN(max[i]) ? bytes : Math.max(max[i], bytes);
      }),
    );
  let pending = sample();
  const timer = setInterval(() => {
    pending = pending.then(sample);
  }, RSS_SAMPLE_MS);
  return {
    async stop() {
      clearInterval(timer);
      await pending.then(sample);
      return max.map((bytes) => Math.round(bytes / 1e6));
    },
  };
}

/**
 * After a scenario with analyses: waits (at most 120 s) for the worker to empty the queue and
 * finish its running jobs, and returns how many analyses it finished meanwhile and how long the backlog took to drain.
 */
async function drainQueue(
  stack: Stack,
  finishedBefore: number,
): Promise<{ finished: number; drainSeconds: number; waiting: number }> {
  const started = Date.now();
  let text = await metrics(stack.workerBase);
  // Waiting (the shared queue) and running (this worker's jobs) both at zero.
  const busy = (t: string) =>
    metricSum(t, 'techsapo_wall_bounce_queue_length') > 0 ||
    metricSum(t, 'techsapo_concurrent_jobs') > 0;
  while (busy(text) && Date.now() - started < 120_000) {
    await new Promise((r) => setTimeout(r, 500));
    text = await metrics(stack.workerBase);
  }
  return {
    finished: metricSum(text, 'techsapo_wall_bounce_duration_seconds_count') - finishedBefore,
    drainSeconds: Math.round((Date.now() - started) / 1000),
    waiting: metricSum(text, 'techsapo_wall_bounce_queue_length'),
  };
}

const ANALYSIS_BODY = JSON.stringify({
  content: 'Review this function for error handling:\nfunction parse(s) { return JSON.parse(s); }',
  mode: 'parallel',
  cache: false,
  metadata: { source: 'load-test' },
});

async function drive(
  stack: Stack,
  scenario: Scenario,
  sessions: Session[],
  durationS: number,
  analyses: boolean,
): Promise<ScenarioResult> {
  const rate = scenario.requestsPerMinute / 60;
  // Every n-th request is an analysis: 2500 of 25000 a minute → every 10th.
  const analysisEvery = analyses
    ? Math.round(scenario.requestsPerMinute / scenario.analysesPerMinute)
    : 0;
  let counter = 0;
  let submitted = 0;
  const before = await processFigures(stack.base);
  const workerBefore = await processFigures(stack.workerBase);
  const rss = sampleRss([stack.base, stack.workerBase]);
  const finishedBefore = analyses
    ? metricSum(await metrics(stack.workerBase), 'techsapo_wall_bounce_duration_seconds_count')
    : NaN;
  const result = await autocannon({
    url: stack.base,
    connections: Math.min(sessions.length, Math.max(4, Math.ceil(rate / 5))),
    overallRate: rate,
    duration: durationS,
    requests: [
      {
        setupRequest: (request) => {
          const n = counter++;
          const session = sessions[n % sessions.length];
          const headers = {
            authorization: `Bearer ${session.token}`,
            'x-forwarded-for': session.address,
          };
          if (analysisEvery > 0 && n % analysisEvery === 0) {
            return {
              ...request,
              method: 'POST',
              path: '/api/v1/analyses',
              headers: { ...headers, 'content-type': 'application/json' },
              body: ANALYSIS_BODY,
            };
          }
          return { ...request, method: 'GET', path: '/api/v1/auth/me', headers };
        },
        // Counted when accepted (202: only POST /api/v1/analyses answers it), not when
        // prepared: the last prepared requests of a run are never sent.
        onResponse: (status: number) => {
          if (status === 202) submitted += 1;
        },
      },
    ],
  });
  const after = await processFigures(stack.base);
  const drained = analyses
    ? await drainQueue(stack, Number.isNaN(finishedBefore) ? 0 : finishedBefore)
    : { finished: NaN, drainSeconds: 0, waiting: 0 };
  // Through the drain too: the worker's memory peaks while it works off the backlog.
  const [apiRssMaxMB, workerRssMaxMB] = await rss.stop();
  const workerAfter = await processFigures(stack.workerBase);
  const failed = result.errors + result.timeouts + result.non2xx;
  const total = result.requests.total + result.errors + result.timeouts;
  return {
    scenario: scenario.name,
    sessions: sessions.length,
    offeredPerMinute: scenario.requestsPerMinute,
    sustainedPerMinute: Math.round((result['2xx'] / result.duration) * 60),
    requests: result.requests.total,
    analysesSubmitted: submitted,
    analysesFinished: drained.finished,
    drainSeconds: drained.drainSeconds,
    errorRate: total > 0 ? failed / total : 0,
    errors: failed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    apiCpuPercent: Math.round(((after.cpuSeconds - before.cpuSeconds) / result.duration) * 100),
    workerCpuMsPerAnalysis: Math.round(
      ((workerAfter.cpuSeconds - workerBefore.cpuSeconds) * 1000) / drained.finished,
    ),
    apiRssMiB: Math.round(after.rssBytes / 1024 / 1024),
    apiRssMaxMB,
    workerRssMaxMB,
    loadAverage: Number(loadavg()[0].toFixed(1)),
  };
}

/** Runs the scenarios one after the other on one stack; returns them as a bench section. */
export async function runLoad(
  options: { durationS: number; scenarios?: string[] } = { durationS: 60 },
): Promise<BenchSection & { results: ScenarioResult[] }> {
  const scenarios = SCENARIOS.filter(
    (s) => !options.scenarios?.length || options.scenarios.includes(s.name),
  );
  const stack = await startStack();
  try {
    const analyses = await hasAnalyses(stack.base);
    const sessionCount = Math.min(MAX_SESSIONS, Math.max(...scenarios.map((s) => s.users)));
    const sessions = await openSessions(stack, sessionCount);
    // Warm-up (JIT, connections, Redis scripts), not measured.
    await drive(stack, { ...scenarios[0], name: 'warm-up' }, sessions, 3, false);
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const mine = sessions.slice(0, Math.min(scenario.users, sessions.length));
      results.push(await drive(stack, scenario, mine, options.durationS, analyses));
    }
    const goals: BenchGoal[] = results.map((r) => ({
      name: `${r.scenario} held by one API process and one worker`,
      target: `≥ ${Math.round(r.offeredPerMinute * 0.95)} req/min sustained, 0 errors`,
      actual: `${r.sustainedPerMinute} req/min, ${r.errors} errors, p99 ${r.p99} ms`,
      met: r.sustainedPerMinute >= r.offeredPerMinute * 0.95 && r.errors === 0,
    }));
    for (const r of results.filter((x) => x.analysesSubmitted > 0)) {
      goals.push({
        name: `${r.scenario}: the worker finishes every submitted analysis`,
        target: `${r.analysesSubmitted} finished`,
        actual: Number.isNaN(r.analysesFinished)
          ? 'not measured (no techsapo_wall_bounce_duration_seconds)'
          : `${r.analysesFinished} finished, backlog drained in ${r.drainSeconds} s`,
        met: r.analysesFinished >= r.analysesSubmitted,
      });
    }
    for (const r of results.filter((x) => x.scenario === 'stress')) {
      for (const [role, mb] of [
        ['api', r.apiRssMaxMB],
        ['worker', r.workerRssMaxMB],
      ] as const) {
        goals.push({
          name: `${role} process RSS, largest sample through the stress scenario`,
          target: `≤ ${RSS_LIMIT_MB} MB`,
          actual: Number.isNaN(mb) ? 'not measured' : `${mb} MB`,
          met: mb <= RSS_LIMIT_MB,
        });
      }
    }
    return {
      title:
        `Load scenarios SC1: one API process + one worker, ${options.durationS} s each, ` +
        `default rate limits; mix: ${analyses ? 'analyses + ' : ''}authenticated reads` +
        (analyses ? '' : ' (POST /api/v1/analyses not served yet)'),
      rows: results.map((r) => ({
        scenario: r.scenario,
        sessions: r.sessions,
        'offered/min': r.offeredPerMinute,
        'sustained/min': r.sustainedPerMinute,
        analyses: r.analysesSubmitted,
        'finished by worker': Number.isNaN(r.analysesFinished) ? '-' : r.analysesFinished,
        'drain s': r.drainSeconds,
        'error %': (r.errorRate * 100).toFixed(2),
        'p50 ms': r.p50,
        'p99 ms': r.p99,
        'api cpu %': r.apiCpuPercent,
        'worker cpu ms/analysis': Number.isNaN(r.workerCpuMsPerAnalysis)
          ? '-'
          : r.workerCpuMsPerAnalysis,
        'api rss MiB': r.apiRssMiB,
        'api rss max MB': r.apiRssMaxMB,
        'worker rss max MB': r.workerRssMaxMB,
        [`load (${cpus().length} cpus)`]: r.loadAverage,
      })),
      goals,
      results,
    };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { duration: { type: 'string', default: '60' } },
  });
  const section = await runLoad({ durationS: Number(values.duration), scenarios: positionals });
  process.stdout.write(`${render(section)}\n`);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'load.json'),
    JSON.stringify({ at: new Date().toISOString(), node: process.version, ...section }, null, 2),
  );
  process.stdout.write('results written to bench/results/load.json\n');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`load failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
