import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const LLM_TOKENS = 'techsapo_llm_tokens_total';
export const LLM_COST = 'techsapo_llm_cost_usd_total';

export const llmMetricProviders = [
  makeCounterProvider({
    name: LLM_TOKENS,
    help: 'LLM tokens by provider and direction (input, output), from the providers usage fields',
    labelNames: ['provider', 'direction'],
  }),
  makeCounterProvider({
    name: LLM_COST,
    help: 'LLM cost in US dollars by provider, from the configured prices',
    labelNames: ['provider'],
  }),
];
