import type { ProviderConfig } from '../config/wall-bounce-engine.config';
import type { SimulatorEndpoint } from '../providers/provider.registry';

/**
 * Development without providers: two OpenAI-protocol peers and one Anthropic-protocol peer,
 * all served by the bundled simulator and called through the same adapters as real ones. The
 * simulator has the structured-output feature of both protocols, so all ask natively.
 */
export function simulatedProviders(endpoint: SimulatorEndpoint): ProviderConfig[] {
  const common = {
    apiKey: endpoint.apiKey,
    timeoutMs: 30000,
    maxOutputTokens: 2048,
    priceInputPer1M: 0,
    priceOutputPer1M: 0,
    simulated: true,
    structuredOutput: 'native' as const,
  };
  return [
    {
      ...common,
      name: 'sim-openai-a',
      kind: 'openai-compatible',
      model: 'sim-gpt-a',
      baseUrl: `${endpoint.url}/v1`,
    },
    {
      ...common,
      name: 'sim-openai-b',
      kind: 'openai-compatible',
      model: 'sim-gpt-b',
      baseUrl: `${endpoint.url}/v1`,
    },
    {
      ...common,
      name: 'sim-anthropic',
      kind: 'anthropic',
      model: 'sim-claude',
      baseUrl: endpoint.url,
    },
  ];
}
