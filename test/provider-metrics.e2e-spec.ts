import request from 'supertest';
import { adminAuth } from './support/auth';
import { startFakeProviders, type FakeProviders } from './support/fake-providers';
import { startTestApp, type TestApp } from './support/test-app';
import { cooperative } from './support/wall-bounce-engine';

/** The value of one series in the Prometheus text, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('per-provider metrics and build info on /metrics', () => {
  let fakes: FakeProviders;
  let t: TestApp;

  beforeAll(async () => {
    fakes = await startFakeProviders();
    t = await startTestApp(
      fakes.env(
        [
          { name: 'peer-a', kind: 'openai' },
          { name: 'peer-b', kind: 'anthropic' },
          { name: 'peer-c', kind: 'openai' },
        ],
        { WALL_BOUNCE_AGGREGATOR: 'peer-a', WALL_BOUNCE_SIMULATOR: 'off' },
      ),
    );
  });
  afterAll(async () => {
    await t?.close();
    await fakes?.close();
  });

  it('counts each provider’s calls by outcome, errors by kind and latency; shows each circuit', async () => {
    const answers = {
      'peer-a': 'Use SET key value EX 60. quality 3',
      'peer-b': 'unused',
      'peer-c': 'Set EX 60 on the key. quality 2',
    };
    fakes.script('peer-a', cooperative(answers));
    fakes.script('peer-c', cooperative(answers));
    fakes.script('peer-b', () => ({ error: 500 }));
    const created = await request(t.server)
      .post('/api/v1/analyses')
      .query({ wait: 30 })
      .set(await adminAuth(t))
      .send({ content: 'How long should Redis keep a cache entry?', cache: false });
    expect(created.status).toBe(200);

    const text = (await request(t.server).get('/metrics')).text;
    expect(
      sample(text, 'techsapo_llm_provider_requests_total{provider="peer-a",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'techsapo_llm_provider_requests_total{provider="peer-b",outcome="error"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'techsapo_llm_provider_errors_total{provider="peer-b",kind="server-error"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'techsapo_llm_provider_requests_total{provider="peer-b",outcome="ok"}'),
    ).toBeUndefined();
    expect(
      sample(text, 'techsapo_llm_provider_duration_seconds_count{provider="peer-a"}'),
    ).toBeGreaterThanOrEqual(1);
    for (const provider of ['peer-a', 'peer-b', 'peer-c']) {
      const states = ['closed', 'half-open', 'open'].map((state) =>
        sample(
          text,
          `techsapo_llm_provider_circuit_state{provider="${provider}",state="${state}"}`,
        ),
      );
      // Exactly one current state each.
      expect(states.filter((v) => v === 1)).toHaveLength(1);
      expect(states.filter((v) => v === 0)).toHaveLength(2);
    }
    expect(
      sample(text, 'techsapo_llm_provider_circuit_state{provider="peer-a",state="closed"}'),
    ).toBe(1);
  });

  it('techsapo_build_info{version,commit} is 1 with the package version', async () => {
    const text = (await request(t.server).get('/metrics')).text;
    const line = text.split('\n').find((l) => l.startsWith('techsapo_build_info{'));
    expect(line).toMatch(/^techsapo_build_info\{version="0\.1\.0",commit="[^"]+"\} 1$/);
  });
});
