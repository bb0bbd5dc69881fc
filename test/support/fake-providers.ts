import { LlmSimulator, type SimulatedCall, type SimulatorScript } from '@techsapo/wall-bounce';
import { randomBytes } from 'node:crypto';

/** One fake provider: its name is also the model the simulator sees. */
export interface FakeProvider {
  name: string;
  /** openai and openai-compatible: /v1; gemini: Google's /v1beta/openai path; anthropic: root. */
  kind: 'openai' | 'anthropic' | 'gemini' | 'openai-compatible';
  timeoutMs?: number;
  priceInputPer1M?: number;
  priceOutputPer1M?: number;
  /** Defaults to the simulator's address; set to test the allow-list. */
  baseUrl?: string;
  structuredOutput?: 'native' | 'prompt';
}

export interface FakeProviders {
  simulator: LlmSimulator;
  url: string;
  /** The API key the fake servers require, exported under FAKE_LLM_KEY. */
  key: string;
  /** LLM_PROVIDERS, LLM_ALLOWED_HOSTS and the key variable for these providers. */
  env(providers: FakeProvider[], extra?: Record<string, string>): Record<string, string>;
  /** Replies for one provider (by name, which is its model). */
  script(name: string, script: SimulatorScript): void;
  calls(name: string): SimulatedCall[];
  close(): Promise<void>;
}

/** The bundled simulator as the tests' fake OpenAI, Anthropic and Gemini servers. */
export async function startFakeProviders(script?: SimulatorScript): Promise<FakeProviders> {
  const key = `sk-test-${randomBytes(16).toString('hex')}`;
  const simulator = new LlmSimulator({ apiKey: key, script });
  const url = await simulator.start();
  return {
    simulator,
    url,
    key,
    env(providers, extra = {}) {
      const list = providers.map((p) => ({
        name: p.name,
        kind: p.kind,
        model: p.name,
        baseUrl:
          p.baseUrl ??
          (p.kind === 'anthropic'
            ? url
            : p.kind === 'gemini'
              ? `${url}/v1beta/openai`
              : `${url}/v1`),
        apiKeyEnv: 'FAKE_LLM_KEY',
        ...(p.timeoutMs ? { timeoutMs: p.timeoutMs } : {}),
        ...(p.priceInputPer1M !== undefined ? { priceInputPer1M: p.priceInputPer1M } : {}),
        ...(p.priceOutputPer1M !== undefined ? { priceOutputPer1M: p.priceOutputPer1M } : {}),
        ...(p.structuredOutput ? { structuredOutput: p.structuredOutput } : {}),
      }));
      return {
        LLM_PROVIDERS: JSON.stringify(list),
        LLM_ALLOWED_HOSTS: '127.0.0.1',
        FAKE_LLM_KEY: key,
        ...extra,
      };
    },
    script: (name, s) => simulator.scriptFor(name, s),
    calls: (name) => simulator.callsFor(name),
    close: () => simulator.close(),
  };
}
