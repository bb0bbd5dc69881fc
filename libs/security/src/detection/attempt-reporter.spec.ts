import { SELF_MODIFICATION_ATTEMPTS } from '@techsapo/audit';
import type { Finding } from '@techsapo/detector';
import { register } from 'prom-client';
import { useRecordedDetection } from '../../../../test/support/detection';

describe('AttemptReporter', () => {
  const detection = useRecordedDetection([
    'code-execution.eval',
    'risk.eval',
    'secret.github-token',
  ]);
  const { events } = detection;
  beforeEach(() => register.resetMetrics());

  const attempts = async () =>
    (await register.getSingleMetric(SELF_MODIFICATION_ATTEMPTS)?.get())?.values ?? [];
  const origin = { channel: 'llm-answer' as const, eventType: 'SUSPICIOUS_LLM_ANSWER' };

  it('raises nothing for risks and secrets', async () => {
    const code = `const r = eval(input); // token ghp_${'A1b2C3d4E5'.repeat(4)}`;
    const { findings } = detection.detector.scan(code, 'llm-answer');
    expect(new Set(findings.map((f) => f.kind))).toEqual(new Set(['risk', 'secret']));
    expect(detection.attempts.report(findings, { ...origin, payload: code })).toBe(0);
    expect(events).toEqual([]);
    expect(await attempts()).toEqual([]);
  });

  it('one event per category, blocked when any finding of it blocked, rated and named by its worst', async () => {
    const finding = (rule: string, over: Partial<Finding>): Finding => ({
      rule,
      kind: 'attempt',
      category: 'web-injection',
      severity: 'high',
      action: 'block',
      start: 0,
      end: 1,
      ...over,
    });
    const text = `${'x'.repeat(200)}delete require.cache[k]`;
    const raised = detection.attempts.report(
      [
        finding('web-injection.script-call', { severity: 'medium', action: 'flag' }),
        finding('web-injection.sql-union', {}),
        finding('prompt-injection.directive-words', {
          category: 'prompt-injection',
          severity: 'medium',
          action: 'flag',
        }),
        finding('self-modification.module-internals', {
          category: 'self-modification',
          severity: 'critical',
          start: 200,
          end: 223,
        }),
      ],
      { ...origin, payload: text, requestId: 'req-9', details: { analysisId: 'an-1' } },
    );
    expect(raised).toBe(3);
    expect(events.map((e) => [e.attemptType, e.violationType, e.severity, e.blocked])).toEqual([
      ['web-injection', 'SQL_INJECTION_ATTEMPT', 'HIGH', true],
      ['prompt-injection', 'PROMPT_INJECTION', 'MEDIUM', false],
      ['self-modification', 'SELF_MODIFICATION', 'CRITICAL', true],
    ]);
    expect(events[0]).toMatchObject({
      eventType: 'SUSPICIOUS_LLM_ANSWER',
      source: 'llm-answer',
      requestId: 'req-9',
      details: {
        analysisId: 'an-1',
        rules: ['web-injection.script-call', 'web-injection.sql-union'],
      },
    });
    // The excerpt starts just before what was found, not at the start of a long text.
    expect(events[2].payload).toMatch(/^x{24}delete require\.cache/);
    expect((await attempts()).map((v) => [v.labels, v.value])).toEqual([
      [{ source: 'llm-answer', type: 'web-injection', blocked: 'true' }, 1],
      [{ source: 'llm-answer', type: 'prompt-injection', blocked: 'false' }, 1],
      [{ source: 'llm-answer', type: 'self-modification', blocked: 'true' }, 1],
    ]);
  });
});
