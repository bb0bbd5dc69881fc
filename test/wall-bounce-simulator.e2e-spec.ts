import { AnalysisEngine, ProviderRegistry, SimulatorHost } from '@techsapo/wall-bounce';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Development without providers: the application starts the bundled simulator on loopback
 * and runs every mode through the real adapters (two OpenAI-protocol peers, one Anthropic).
 * WALL_BOUNCE_SIMULATOR=on does in a test run what `auto` does in development.
 */
describe('the bundled simulator in the running application', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ WALL_BOUNCE_SIMULATOR: 'on', WALL_BOUNCE_SIMULATOR_LATENCY_MS: '0' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('configures three simulated providers on loopback', () => {
    const registry = t.app.get(ProviderRegistry);
    expect(registry.simulated).toBe(true);
    expect(registry.states()).toEqual([
      {
        name: 'sim-openai-a',
        kind: 'openai-compatible',
        model: 'sim-gpt-a',
        simulated: true,
        circuit: 'closed',
      },
      {
        name: 'sim-openai-b',
        kind: 'openai-compatible',
        model: 'sim-gpt-b',
        simulated: true,
        circuit: 'closed',
      },
      {
        name: 'sim-anthropic',
        kind: 'anthropic',
        model: 'sim-claude',
        simulated: true,
        circuit: 'closed',
      },
    ]);
    expect(registry.readiness()).toMatchObject({
      ok: true,
      detail: { usable: 3, simulated: true },
    });
    expect(new URL(t.app.get(SimulatorHost).simulator?.url ?? '').hostname).toBe('127.0.0.1');
  });

  it.each(['parallel', 'sequential', 'council'] as const)(
    '%s completes, marked as simulated',
    async (mode) => {
      const events: string[] = [];
      const result = await t.app
        .get(AnalysisEngine)
        .run(
          { content: 'Explain Redis key expiry.', mode },
          { progress: (type) => events.push(type), signal: new AbortController().signal },
        );
      expect(result.answer).toMatch(/^\[SIMULATED /);
      expect(result.providers.map((p) => p.status)).toEqual(['ok', 'ok', 'ok']);
      // Every peer answered through its protocol's structured output; the figures are measured.
      for (const p of result.providers) {
        expect(p.answer?.structured).toBe('native');
        expect(p.answer?.text).toMatch(/^\[SIMULATED /);
      }
      expect(result.task).toBe('question');
      expect(result.consensus.signals.map((s) => s.name)).toEqual([
        'verdict-agreement',
        'findings-overlap',
        'negation-aware-text',
      ]);
      expect(result.consensus.independent).toBe(mode !== 'sequential');
      expect(result.aggregator?.structured).toBe('native');
      if (mode === 'council') expect(result.council?.reviews).toHaveLength(3);
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.usage.costUsd).toBe(0);
      expect(events).toContain('aggregating');
      if (mode === 'council')
        expect(events.filter((e) => e === 'review_completed')).toHaveLength(3);
      const protocols = new Set(t.app.get(SimulatorHost).simulator?.calls.map((c) => c.protocol));
      expect(protocols).toEqual(new Set(['openai', 'anthropic']));
    },
  );
});
