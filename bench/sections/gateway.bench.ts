// Gateway overhead: an authenticated read through the whole pipeline (rate limit, JWT and its
// Redis session, CASL policy, content scan, audit entry) against a bare public route of the same
// process, with autocannon. The service runs as `npm start` runs it (built, permission model);
// its rate limits are raised so that they count requests without refusing the benchmark's.
import autocannon from 'autocannon';
import type { BenchSection } from '../bench-section';
import { startBenchService } from '../bench-service';

const DURATION_S = 10;
const CONNECTIONS = 16;
const OFFERED_RATE = 1000;

interface Measured {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(
  url: string,
  headers: Record<string, string>,
  overallRate?: number,
): Promise<Measured> {
  const result = await autocannon({
    url,
    headers,
    connections: CONNECTIONS,
    duration: DURATION_S,
    overallRate,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export default async function gateway(): Promise<BenchSection> {
  const service = await startBenchService();
  try {
    const { base } = service;
    const auth = { authorization: `Bearer ${await service.signIn()}` };
    await load(`${base}/api/v1/auth/me`, auth); // warm-up: JIT, connections, Redis scripts
    const bare = await load(`${base}/health/live`, {});
    const full = await load(`${base}/api/v1/auth/me`, auth);
    const offered = await load(`${base}/api/v1/auth/me`, auth, OFFERED_RATE);
    // The same rate on the bare route: what this machine's tail latency is without the pipeline.
    const bareOffered = await load(`${base}/health/live`, {}, OFFERED_RATE);
    const ratio = full.requestsPerSecond / bare.requestsPerSecond;
    const row = (name: string, m: Measured) => ({
      route: name,
      'req/s': m.requestsPerSecond,
      'p50 ms': m.p50,
      'p99 ms': m.p99,
      errors: m.errors,
      non2xx: m.non2xx,
    });
    return {
      title: `Gateway: full pipeline vs bare route (${CONNECTIONS} connections, ${DURATION_S} s each, one process)`,
      rows: [
        row('GET /health/live (bare, public)', bare),
        row('GET /api/v1/auth/me (full pipeline)', full),
        row(`GET /health/live at ${OFFERED_RATE} req/s offered`, bareOffered),
        row(`GET /api/v1/auth/me at ${OFFERED_RATE} req/s offered`, offered),
      ],
      goals: [
        {
          name: 'full pipeline keeps ≥ 50 % of the bare route’s throughput',
          target: '≥ 0.50',
          actual: ratio.toFixed(2),
          met: ratio >= 0.5,
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
  }
}
