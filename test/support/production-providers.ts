/**
 * Two real provider entries as a production deployment names them (production refuses to start
 * with fewer). Nothing calls them in the tests that boot production: the keys are placeholders
 * held in the variables the entries name.
 */
export function productionProviders(): Record<string, string> {
  return {
    LLM_PROVIDERS: JSON.stringify([
      { name: 'openai', kind: 'openai', model: 'gpt-4o', apiKeyEnv: 'OPENAI_API_KEY' },
      {
        name: 'anthropic',
        kind: 'anthropic',
        model: 'claude-sonnet-4-5',
        apiKeyEnv: 'ANTHROPIC_API_KEY',
      },
    ]),
    OPENAI_API_KEY: 'sk-test-not-called',
    ANTHROPIC_API_KEY: 'sk-ant-test-not-called',
  };
}
