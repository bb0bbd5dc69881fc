// Wall-bounce end to end: the built service (one process in role `all`: API and one worker)
// against fake providers (the bundled simulator, real SDKs over HTTP) that answer every call
// after a fixed 200 ms. Reports the latency of one parallel analysis from POST to its final
// state (POST ?wait, one at a time), and how many analyses one worker completes per minute
// with many clients submitting at once. Results are never taken from the cache (cache: false).
import { randomBytes } from 'node:crypto';
import { FakeProvider, startFakeProviders } from '../../test/support/fake-providers';
import { cooperative } from '../../test/support/wall-bounce-engine';
import type { BenchSection } from '../bench-section';
import { startBenchService } from '../bench-service';

const PEER_LATENCY_MS = 200;
const LATENCY_RUNS = 40;
const THROUGHPUT_SECONDS = 30;
const CLIENTS = 120;
const CONCURRENCY = 100;
const PEERS: FakeProvider[] = [
  { name: 'peer-a', kind: 'openai' },
  { name: 'peer-b', kind: 'anthropic' },
  { name: 'peer-c', kind: 'gemini' },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export default async function wallBounce(): Promise<BenchSection> {
  const fakes = await startFakeProviders();
  const answer = cooperative({});
  for (const p of PEERS)
    fakes.script(p.name, (call) => ({ ...answer(call), latencyMs: PEER_LATENCY_MS }));
  const service = await startBenchService(
    fakes.env(PEERS, {
      ROLE: 'all',
      WALL_BOUNCE_AGGREGATOR: 'peer-a',
      WALL_BOUNCE_CONCURRENCY: String(CONCURRENCY),
    }),
  );
  try {
    const token = await service.signIn();
    const submit = async (wait: number): Promise<{ status: string; ms: number }> => {
      const started = process.hrtime.bigint();
      const res = await fetch(`${service.base}/api/v1/analyses?wait=${wait}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          content: `How should a cache entry expire? ${randomBytes(6).toString('hex')}`,
          mode: 'parallel',
          cache: false,
        }),
      });
      const body = (await res.json()) as { status: string };
      return { status: body.status, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    };

    for (let i = 0; i < 5; i += 1) await submit(30); // warm-up
    const times: number[] = [];
    for (let i = 0; i < LATENCY_RUNS; i += 1) {
      const run = await submit(30);
      if (run.status !== 'completed') throw new Error(`analysis ended ${run.status}`);
      times.push(run.ms);
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50);

    let completed = 0;
    let failed = 0;
    const until = Date.now() + THROUGHPUT_SECONDS * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < until) {
          const run = await submit(60);
          if (run.status === 'completed') completed += 1;
          else failed += 1;
        }
      }),
    );
    const perMinute = (completed / ((Date.now() - started) / 1000)) * 60;
    const latencyGoal = 2 * PEER_LATENCY_MS + 50;
    return {
      title: `Wall-bounce: parallel analyses end to end (3 fake peers at ${PEER_LATENCY_MS} ms, one worker, concurrency ${CONCURRENCY})`,
      rows: [
        {
          measure: 'latency, one at a time (ms)',
          runs: LATENCY_RUNS,
          p50: p50.toFixed(1),
          p90: percentile(times, 90).toFixed(1),
          max: times[times.length - 1].toFixed(1),
        },
        {
          measure: `throughput, ${CLIENTS} clients (analyses/min)`,
          runs: completed,
          p50: perMinute.toFixed(0),
          p90: '',
          max: `${failed} not completed`,
        },
      ],
      goals: [
        {
          name: 'latency p50 of a parallel analysis',
          target: `≤ ${latencyGoal} ms (2 × peer latency + 50 ms)`,
          actual: `${p50.toFixed(1)} ms`,
          met: p50 <= latencyGoal,
        },
        {
          name: 'analyses per minute one worker sustains',
          target: '≥ 2500/min',
          actual: `${perMinute.toFixed(0)}/min`,
          met: perMinute >= 2500,
        },
      ],
    };
  } finally {
    await service.stop();
    await fakes.close();
  }
}
