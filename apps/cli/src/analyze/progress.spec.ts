import { describeEvent, toProgressEvent } from './progress';

const message = (event: string, data: unknown) => ({ event, data: JSON.stringify(data) });

describe('progress events', () => {
  it('takes the type from the event field and the details from the AnalysisEvent data', () => {
    const event = toProgressEvent(
      message('provider_completed', {
        type: 'provider_completed',
        analysisId: 'a1',
        seq: 4,
        at: '2026-12-01T00:00:00.000Z',
        data: { provider: 'openai', model: 'gpt-x', latencyMs: 812.4 },
      }),
    );
    expect(event).toEqual({
      type: 'provider_completed',
      data: { provider: 'openai', model: 'gpt-x', latencyMs: 812.4 },
    });
    expect(describeEvent(event!)).toBe('provider openai (gpt-x) answered in 812 ms');
  });

  it('names the role and why a provider failed, as the engine reports them', () => {
    expect(
      describeEvent({
        type: 'provider_failed',
        data: { provider: 'b', role: 'peer', status: 'timeout', reason: 'no answer in 60 s' },
      }),
    ).toBe('provider b as peer failed: timeout (no answer in 60 s)');
    expect(describeEvent({ type: 'aggregating', data: { provider: 'a' } })).toBe(
      'aggregating the answers (a)',
    );
  });

  it('falls back to the JSON type and to flat payloads', () => {
    const event = toProgressEvent(
      message('message', { type: 'provider_failed', name: 'gemini', error: 'timeout' }),
    );
    expect(describeEvent(event!)).toBe('provider gemini failed: timeout');
  });

  it('ignores heartbeats and what is not a JSON object', () => {
    expect(toProgressEvent({ event: 'heartbeat', data: '{}' })).toBeUndefined();
    expect(toProgressEvent({ event: 'message', data: 'ping' })).toBeUndefined();
    expect(toProgressEvent({ event: 'message', data: '[1]' })).toBeUndefined();
    expect(toProgressEvent({ event: 'message', data: '{"no":"type"}' })).toBeUndefined();
  });

  it('says something readable for every documented event', () => {
    const lines = [
      'queued',
      'started',
      'provider_started',
      'review_completed',
      'aggregating',
      'completed',
      'failed',
    ].map((type) => describeEvent({ type, data: {} }));
    expect(lines).toEqual([
      'queued',
      'started',
      'provider started',
      'review completed',
      'aggregating the answers',
      'completed',
      'failed',
    ]);
    expect(describeEvent({ type: 'completed', data: { consensus: { score: 0.8123 } } })).toBe(
      'completed (consensus 0.81)',
    );
    expect(describeEvent({ type: 'failed', data: { error: 'insufficient\nproviders' } })).toBe(
      'failed: insufficient providers',
    );
    // As the worker sends them: the score as a number, the error as problem details.
    expect(
      describeEvent({ type: 'completed', data: { status: 'completed', consensus: 0.7 } }),
    ).toBe('completed (consensus 0.70)');
    expect(
      describeEvent({
        type: 'failed',
        data: {
          status: 'failed',
          error: { title: 'Insufficient providers', detail: '1 of 2 answered' },
        },
      }),
    ).toBe('failed: 1 of 2 answered');
  });
});
