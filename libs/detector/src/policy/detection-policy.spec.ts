import {
  DEFAULT_DETECTION_POLICY,
  parseDetectionPolicy,
  type DetectionPolicy,
} from './detection-policy';
import { ContentDetector } from '../content-detector';

const clone = (): DetectionPolicy => JSON.parse(JSON.stringify(DEFAULT_DETECTION_POLICY));

describe('parseDetectionPolicy', () => {
  it('accepts the shipped policy, and a detector builds from a copy of it', () => {
    expect(() => new ContentDetector({ policy: parseDetectionPolicy(clone()) })).not.toThrow();
  });

  it.each<[string, (p: DetectionPolicy) => void, RegExp]>([
    ['an empty document', (p) => Object.assign(p, { rules: [] }), /rules/],
    [
      'a risk that would block',
      (p) => (p.channels['request-text']!.risk = 'block'),
      /risk can note, ignore, not block/,
    ],
    [
      'an attempt that would be redacted',
      (p) => (p.channels['llm-answer']!.attempt['self-modification'] = 'redact'),
      /attempt can block, flag, ignore, not redact/,
    ],
    [
      'a rule override its kind does not allow',
      (p) => (p.rules.find((r) => r.kind === 'risk')!.actions = { 'llm-answer': 'block' }),
      /a risk can note, ignore, not block/,
    ],
    [
      'a missing channel',
      (p) => delete (p.channels as Partial<DetectionPolicy['channels']>)['mcp-result'],
      /no actions for channel mcp-result/,
    ],
    ['an unknown set', (p) => (p.rules[0].tokens = [{ set: 'nothing' }]), /unknown set nothing/],
    [
      'a field meaning relaxing an unknown rule',
      (p) => (p.fields['repository-path']!.relax = ['nope']),
      /unknown rule nope/,
    ],
    ['a duplicate rule', (p) => p.rules.push({ ...p.rules[0] }), /duplicate rule/],
  ])('refuses %s, naming the place', (_name, spoil, message) => {
    const policy = clone();
    spoil(policy);
    expect(() => parseDetectionPolicy(policy)).toThrow(/invalid detection policy/);
    expect(() => parseDetectionPolicy(policy)).toThrow(message);
  });

  it('lets the service targets be used without defining them', () => {
    const sets = new Set(
      DEFAULT_DETECTION_POLICY.rules.flatMap((r) =>
        [...r.tokens, ...(r.near ?? []).flatMap((c) => c.tokens)].flatMap((t) =>
          typeof t === 'string' ? [] : [t.set],
        ),
      ),
    );
    expect(sets).toContain('service-paths');
    expect(DEFAULT_DETECTION_POLICY.sets['service-paths']).toBeUndefined();
  });
});
