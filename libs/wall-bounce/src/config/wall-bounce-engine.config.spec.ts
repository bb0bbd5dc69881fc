import { ConfigurationError, validateEnvironment, type EnvSource } from '@techsapo/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usesSimulator, wallBounceEngineConfig } from './wall-bounce-engine.config';

const TWO = JSON.stringify([
  { name: 'gpt', kind: 'openai', model: 'gpt-4.1', apiKeyEnv: 'OPENAI_KEY', priceInputPer1M: 2 },
  { name: 'claude', kind: 'anthropic', model: 'claude-sonnet-4-5', apiKeyEnv: 'ANTHROPIC_KEY' },
]);
const KEYS = { OPENAI_KEY: 'sk-one', ANTHROPIC_KEY: 'sk-two' };

function problems(env: EnvSource): string {
  try {
    validateEnvironment(env, [wallBounceEngineConfig]);
    return '';
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
}

describe('wall-bounce engine configuration', () => {
  it('defaults: no providers; the simulator only in development (or when asked), never in production', () => {
    expect(problems({})).toBe('');
    const dev = wallBounceEngineConfig.read({ NODE_ENV: 'development' });
    expect(dev).toMatchObject({
      providers: [],
      thresholds: { confidence: 0.7, consensus: 0.6 },
      gate: { action: 'flag', maxEscalations: 1 },
      sequentialDepth: 3,
      straggler: { factor: 2, floorMs: 3000 },
      allowedHosts: ['api.openai.com', 'api.anthropic.com', 'generativelanguage.googleapis.com'],
    });
    expect(usesSimulator(dev)).toBe(true);
    expect(usesSimulator(wallBounceEngineConfig.read({ NODE_ENV: 'test' }))).toBe(false);
    expect(
      usesSimulator(wallBounceEngineConfig.read({ NODE_ENV: 'test', WALL_BOUNCE_SIMULATOR: 'on' })),
    ).toBe(true);
    expect(
      usesSimulator(
        wallBounceEngineConfig.read({ NODE_ENV: 'production', WALL_BOUNCE_SIMULATOR: 'on' }),
      ),
    ).toBe(false);
    expect(usesSimulator(wallBounceEngineConfig.read({ LLM_PROVIDERS: TWO, ...KEYS }))).toBe(false);
  });

  it('reads keys only from the variable each entry names, with defaults filled in', () => {
    const config = wallBounceEngineConfig.read({
      LLM_PROVIDERS: TWO,
      ...KEYS,
      OPENAI_API_KEY: 'not-this',
    });
    expect(config.providers).toEqual([
      expect.objectContaining({
        name: 'gpt',
        apiKey: 'sk-one',
        baseUrl: 'https://api.openai.com/v1',
        timeoutMs: 60000,
        priceInputPer1M: 2,
        priceOutputPer1M: 0,
        structuredOutput: 'native',
      }),
      expect.objectContaining({
        name: 'claude',
        apiKey: 'sk-two',
        baseUrl: 'https://api.anthropic.com',
      }),
    ]);
    expect(config.aggregator).toBe('gpt');
  });

  it('reads a YAML (or JSON) file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'providers-'));
    try {
      const file = join(dir, 'providers.yaml');
      writeFileSync(
        file,
        'providers:\n  - name: local\n    kind: openai-compatible\n    model: llama3\n    baseUrl: http://127.0.0.1:11434/v1\n  - name: gem\n    kind: gemini\n    model: gemini-2.5-flash\n    apiKeyEnv: GEMINI_KEY\n',
      );
      const env = {
        LLM_PROVIDERS_FILE: file,
        GEMINI_KEY: 'g',
        LLM_ALLOWED_HOSTS: '127.0.0.1,generativelanguage.googleapis.com',
      };
      expect(problems(env)).toBe('');
      expect(
        wallBounceEngineConfig
          .read(env)
          .providers.map((p) => [p.name, p.baseUrl, p.structuredOutput]),
      ).toEqual([
        ['local', 'http://127.0.0.1:11434/v1', 'prompt'],
        ['gem', 'https://generativelanguage.googleapis.com/v1beta/openai', 'native'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the variable and every problem of the list, never a key', () => {
    const bad = JSON.stringify([
      { name: 'a', kind: 'openai', model: 'm', apiKeyEnv: 'MISSING_KEY' },
      { name: 'a', kind: 'mystery', model: '' },
      { name: 'c', kind: 'openai-compatible', model: 'm' },
      {
        name: 'd',
        kind: 'anthropic',
        model: 'm',
        apiKeyEnv: 'ANTHROPIC_KEY',
        temperature: 9,
        secret: 1,
        structuredOutput: 'json',
      },
    ]);
    const message = problems({ LLM_PROVIDERS: bad, ...KEYS });
    expect(message).toMatch(/^Invalid configuration: LLM_PROVIDERS/);
    for (const expected of [
      'name a is used twice',
      'kind must be one of',
      'model is required',
      'baseUrl is required for kind openai-compatible',
      'temperature must be a number from 0 to 2',
      'unknown secret',
      'structuredOutput must be one of native, prompt',
    ]) {
      expect(message).toContain(expected);
    }
    expect(
      problems({
        LLM_PROVIDERS:
          '[{"name":"a","kind":"openai","model":"m","apiKeyEnv":"MISSING_KEY"},{"name":"b","kind":"openai","model":"m","apiKeyEnv":"OPENAI_KEY"}]',
        ...KEYS,
      }),
    ).toContain('a: the key variable MISSING_KEY is not set');
    expect(problems({ LLM_PROVIDERS: '[{"apiKey": sk-secret-value}]', ...KEYS })).toMatch(
      /LLM_PROVIDERS: is not valid JSON$/m,
    );
    expect(problems({ LLM_PROVIDERS: '[{"apiKey": sk-secret-value}]' })).not.toContain('sk-secret');
    expect(problems({ LLM_PROVIDERS: '[{"name":"a","apiKey":"sk-secret-value"}]' })).toContain(
      'unknown apiKey',
    );
    expect(problems({ LLM_PROVIDERS: '[{"name":"a","apiKey":"sk-secret-value"}]' })).not.toContain(
      'sk-secret',
    );
    expect(problems({ LLM_PROVIDERS_FILE: '/nonexistent/providers.yaml' })).toContain(
      'cannot read /nonexistent/providers.yaml (ENOENT)',
    );
    expect(problems({ LLM_PROVIDERS: TWO, LLM_PROVIDERS_FILE: '/x.yaml', ...KEYS })).toContain(
      'not both',
    );
    expect(problems({ LLM_PROVIDERS: TWO, ...KEYS })).not.toContain('sk-one');
  });

  it('checks hosts against LLM_ALLOWED_HOSTS and the roles against the list', () => {
    const local = JSON.stringify([
      { name: 'l', kind: 'openai-compatible', model: 'm', baseUrl: 'http://localhost:8000/v1' },
    ]);
    expect(problems({ LLM_PROVIDERS: local })).toContain(
      'host localhost is not in LLM_ALLOWED_HOSTS',
    );
    expect(problems({ LLM_PROVIDERS: local, LLM_ALLOWED_HOSTS: 'localhost' })).toBe('');
    expect(problems({ LLM_PROVIDERS: TWO, ...KEYS, WALL_BOUNCE_AGGREGATOR: 'nobody' })).toMatch(
      /WALL_BOUNCE_AGGREGATOR/,
    );
    expect(problems({ LLM_PROVIDERS: TWO, ...KEYS, WALL_BOUNCE_PEERS: 'gpt,nobody' })).toMatch(
      /WALL_BOUNCE_PEERS/,
    );
    expect(problems({ LLM_PROVIDERS: TWO, ...KEYS, WALL_BOUNCE_GATE_ACTION: 'ignore' })).toMatch(
      /WALL_BOUNCE_GATE_ACTION/,
    );
  });

  it('production: at least two real providers, no loopback, no simulator', () => {
    const production = { NODE_ENV: 'production' };
    expect(problems({ ...production, LLM_PROVIDERS: TWO, ...KEYS })).toBe('');
    expect(problems(production)).toContain('production needs at least two providers');
    const one = JSON.stringify([JSON.parse(TWO)[0]]);
    expect(problems({ ...production, LLM_PROVIDERS: one, ...KEYS })).toMatch(
      /LLM_PROVIDERS: production needs at least two providers/,
    );
    expect(
      problems({
        ...production,
        LLM_PROVIDERS: TWO,
        ...KEYS,
        LLM_ALLOWED_HOSTS: 'api.openai.com,127.0.0.1',
      }),
    ).toMatch(/LLM_ALLOWED_HOSTS/);
    expect(
      problems({ ...production, LLM_PROVIDERS: TWO, ...KEYS, WALL_BOUNCE_SIMULATOR: 'on' }),
    ).toMatch(/WALL_BOUNCE_SIMULATOR/);
  });
});
