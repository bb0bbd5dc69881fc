import { providerChoiceErrors } from './provider-choice';

describe('provider choice at the door', () => {
  const configured = ['openai-main', 'claude', 'gemini'];

  it('accepts configured providers and aggregator, and no choice at all', () => {
    expect(providerChoiceErrors(configured, {})).toEqual([]);
    expect(
      providerChoiceErrors(configured, { providers: ['claude', 'gemini'], aggregator: 'claude' }),
    ).toEqual([]);
  });

  it('names the unknown and repeated entries and the configured providers', () => {
    const errors = providerChoiceErrors(configured, {
      providers: ['claude', 'gpt-9', 'claude', 'gpt-9'],
      aggregator: 'nobody',
    });
    expect(errors.map((e) => e.field)).toEqual([
      'providers.1',
      'providers.2',
      'providers.3',
      'aggregator',
    ]);
    expect(errors[0].message).toBe(
      '"gpt-9" is not a configured provider (configured providers: openai-main, claude, gemini)',
    );
    expect(errors[1].message).toMatch(/^"claude" is named more than once/);
    expect(errors[3].message).toMatch(/^"nobody" is not a configured provider/);
  });
});
