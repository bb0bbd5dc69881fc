// Gateway overhead, measured side by side in one run with autocannon:
// - the framework's floor: a minimal Nest-on-Fastify app in its own process (bench/floor);
// - the service's public /health/live and the authenticated /api/v1/auth/me through the whole
//   pipeline (rate limit, JWT and its Redis session, blocks, CASL policy, content scan, audit
//   entry), with the server's own X-TechSapo-Overhead-Ms read from every response.
// The service runs as `npm start` runs it (built, permission model); its rate limits are raised
// so that they count requests without refusing the benchmark's.
import autocannon from 'autocannon';
import type { BenchSection } from '../bench-section';
import { startBenchService } from '../bench-service';
import { startFloorApp } from '../floor/floor-app';
import { cpuSeconds } from '../process-cpu';
import { measureRequestRedisWork } from '../request-redis-work';

const DURATION_S = 10;
const CONNECTIONS = 16;
/** The three throughput rows are measured in turn this many times; each keeps its best round. */
const ROUNDS = 2;
const OFFERED_RATE = 1000;
const OVERHEAD_HEADER = 'x-techsapo-overhead-ms';
/** The full pipeline's goal against the bare route of the same process. */
const PIPELINE_GOAL = 0.8;
/** Requests' Redis work driven directly, for the floor beside that goal. */
const REDIS_WORK_REQUESTS = 50_000;

interface Measured {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** X-TechSapo-Overhead-Ms of every response, when the server sent one. */
  overheadMs: number[];
  /** The server process's CPU time per answered request, µs (undefined without /proc). */
  cpuUsPerRequest?: number;
}

/** Where a load goes: the URL and the server process that answers it. */
interface Target {
  url: string;
  pid: number | undefined;
}

async function load(
  { url, pid }: Target,
  headers: Record<string, string>,
  overallRate?: number,
  connections = CONNECTIONS,
): Promise<Measured> {
  const overheadMs: number[] = [];
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url,
    connections,
    duration: DURATION_S,
    overallRate,
    requests: [
      {
        method: 'GET',
        headers,
        onResponse: (_status, _body, _context, responseHeaders) => {
          const value = (responseHeaders as Record<string, string | undefined>)[OVERHEAD_HEADER];
          if (value !== undefined) overheadMs.push(Number(value));
        },
      },
    ],
  });
  const cpuAfter = cpuSeconds(pid);
  const answered = result.requests.total;
  return {
    cpuUsPerRequest:
      cpuBefore !== undefined && cpuAfter !== undefined && answered > 0
        ? ((cpuAfter - cpuBefore) * 1e6) / answered
        : undefined,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    overheadMs,
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ratioGoal = (name: string, value: number, target: number) => ({
  name,
  target: `≥ ${target.toFixed(2)}`,
  actual: value.toFixed(2),
  met: value >= target,
});

export default async function gateway(): Promise<BenchSection> {
  const floorApp = await startFloorApp();
  const service = await startBenchService();
  try {
    const auth = { authorization: `Bearer ${await service.signIn()}` };
    const servicePid = service.process.child.pid;
    const floorLive = { url: `${floorApp.base}/health/live`, pid: floorApp.pid };
    const live = { url: `${service.base}/health/live`, pid: servicePid };
    const me = { url: `${service.base}/api/v1/auth/me`, pid: servicePid };
    // Warm-up: JIT, connections, Redis scripts.
    await load(floorLive, {});
    await load(me, auth);
    // Interleaved, so that a burst of load from elsewhere on the machine weighs on all three.
    const rounds: { floor: Measured; bare: Measured; full: Measured }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push({
        floor: await load(floorLive, {}),
        bare: await load(live, {}),
        full: await load(me, auth),
      });
    }
    const best = (pick: (r: (typeof rounds)[number]) => Measured): Measured =>
      rounds.map(pick).reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
    const floor = best((r) => r.floor);
    const bare = best((r) => r.bare);
    const full = best((r) => r.full);
    const perRound = (pick: (r: (typeof rounds)[number]) => number): string =>
      rounds.map((r) => pick(r).toFixed(2)).join(', ');
    const cpuPerRound = (pick: (r: (typeof rounds)[number]) => Measured): string =>
      rounds.map((r) => pick(r).cpuUsPerRequest?.toFixed(1) ?? '-').join(', ');
    // One request at a time: the pipeline's own time, without waiting behind other requests.
    const sequential = await load(me, auth, undefined, 1);
    const offered = await load(me, auth, OFFERED_RATE);
    // The same rate on the bare route: what this machine's tail latency is without the pipeline.
    const bareOffered = await load(live, {}, OFFERED_RATE);
    const redisWork = await measureRequestRedisWork(REDIS_WORK_REQUESTS, CONNECTIONS);
    // Throughput is CPU-bound here: at the goal, a request through the pipeline may cost at most
    // 1/0.8 of a bare one, so every stage together gets a quarter of the bare route's CPU.
    const pipelineBudget =
      bare.cpuUsPerRequest !== undefined
        ? bare.cpuUsPerRequest * (1 / PIPELINE_GOAL - 1)
        : undefined;
    const overhead = {
      p50: percentile(sequential.overheadMs, 50),
      p99: percentile(sequential.overheadMs, 99),
    };
    const row = (name: string, m: Measured) => ({
      route: name,
      'req/s': m.requestsPerSecond,
      'x floor': (m.requestsPerSecond / floor.requestsPerSecond).toFixed(2),
      'CPU µs/req': m.cpuUsPerRequest !== undefined ? m.cpuUsPerRequest.toFixed(1) : '',
      'p50 ms': m.p50,
      'p99 ms': m.p99,
      'overhead p50 ms': m.overheadMs.length > 0 ? percentile(m.overheadMs, 50).toFixed(2) : '',
      'overhead p99 ms': m.overheadMs.length > 0 ? percentile(m.overheadMs, 99).toFixed(2) : '',
      errors: m.errors,
      non2xx: m.non2xx,
    });
    return {
      title: `Gateway: the framework's floor, the bare route and the full pipeline (${CONNECTIONS} connections, ${DURATION_S} s each, best of ${ROUNDS} interleaved rounds)`,
      rows: [
        row('minimal Nest on Fastify (own process)', floor),
        row('GET /health/live (bare, public)', bare),
        row('GET /api/v1/auth/me (full pipeline)', full),
        row('GET /api/v1/auth/me (one connection)', sequential),
        row(`GET /health/live at ${OFFERED_RATE} req/s offered`, bareOffered),
        row(`GET /api/v1/auth/me at ${OFFERED_RATE} req/s offered`, offered),
      ],
      notes: [
        `/health/live ÷ floor per round: ${perRound((r) => r.bare.requestsPerSecond / r.floor.requestsPerSecond)}`,
        `/api/v1/auth/me ÷ floor per round: ${perRound((r) => r.full.requestsPerSecond / r.floor.requestsPerSecond)}`,
        `/api/v1/auth/me ÷ /health/live per round: ${perRound((r) => r.full.requestsPerSecond / r.bare.requestsPerSecond)}`,
        `server CPU µs per request per round: floor ${cpuPerRound((r) => r.floor)}; /health/live ${cpuPerRound((r) => r.bare)}; /api/v1/auth/me ${cpuPerRound((r) => r.full)}`,
        `the Redis work of one authenticated request (rate-limit counters, session check, blocks) through the service's own stores, driven directly without HTTP or Nest, ${CONNECTIONS} at a time: ${redisWork.cpuUsPerRequest.toFixed(1)} µs CPU a request`,
        ...(pipelineBudget !== undefined
          ? [
              `the full pipeline at ${PIPELINE_GOAL.toFixed(2)}× the bare route leaves every stage together ${pipelineBudget.toFixed(1)} µs CPU a request (a quarter of /health/live's ${bare.cpuUsPerRequest?.toFixed(1)}); the Redis work alone takes ${(redisWork.cpuUsPerRequest / pipelineBudget).toFixed(1)}× that`,
            ]
          : []),
      ],
      goals: [
        ratioGoal(
          '/health/live against the minimal Nest app',
          bare.requestsPerSecond / floor.requestsPerSecond,
          0.3,
        ),
        ratioGoal(
          '/api/v1/auth/me against the minimal Nest app',
          full.requestsPerSecond / floor.requestsPerSecond,
          0.12,
        ),
        ratioGoal(
          'full pipeline against the bare route of the same process',
          full.requestsPerSecond / bare.requestsPerSecond,
          PIPELINE_GOAL,
        ),
        {
          name: 'X-TechSapo-Overhead-Ms of /api/v1/auth/me, one connection',
          target: 'p50 ≤ 0.5 ms, p99 ≤ 2 ms',
          actual: `p50 ${overhead.p50.toFixed(2)} ms, p99 ${overhead.p99.toFixed(2)} ms`,
          met: overhead.p50 <= 0.5 && overhead.p99 <= 2,
        },
        {
          name: `p99 at ${OFFERED_RATE} req/s offered`,
          target: '≤ 10 ms',
          actual: `${offered.p99} ms`,
          met: offered.p99 <= 10 && offered.errors === 0 && offered.non2xx === 0,
        },
      ],
    };
  } finally {
    await service.stop();
    await floorApp.stop();
  }
}
