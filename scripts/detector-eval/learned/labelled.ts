import type { Channel, ContentDetector } from '../../../libs/detector/src';
import {
  loadSamples,
  type CorpusManifest,
  type CorpusSet,
  type Expectation,
  type Sample,
} from '../corpus';
import { meets } from '../expectation';

/** The channels that carry text (an answer, a tool result, content under review). */
const TEXT_CHANNELS: Channel[] = ['llm-answer', 'mcp-result', 'request-text'];
/** Channels where a verdict blocks; in `request-text` a positive is a counted attempt. */
export const BLOCKING_CHANNELS: Channel[] = ['llm-answer', 'mcp-result'];

/** What the rules did with a sample in one channel. */
export interface ChannelOutcome {
  channel: Channel;
  /** For an attempt, what its class expects there. */
  expectation?: Expectation;
  /** Attempts: the rules met the expectation. Benign: the rules blocked it. */
  rules: boolean;
  /** Benign in `request-text`: the rules counted an attempt. */
  rulesFlagged: boolean;
}

/** A sample of a text channel with its label and the rules' outcome in each channel. */
export interface LabelledText extends Sample {
  set: CorpusSet;
  label: 0 | 1;
  outcomes: ChannelOutcome[];
}

const isText = (channels: Channel[]): boolean => channels.some((c) => TEXT_CHANNELS.includes(c));

/**
 * The samples of a set in the text channels: attempts of every self-modification and
 * instruction class (label 1) and benign text (label 0), each scanned by the rules as
 * `npm run eval:detector` scans it.
 */
export function loadLabelled(
  set: CorpusSet,
  manifest: CorpusManifest,
  detector: ContentDetector,
): LabelledText[] {
  const out: LabelledText[] = [];
  for (const [group, spec] of Object.entries(manifest.attempts)) {
    const expected = Object.entries(spec.expect) as [Channel, Expectation][];
    if (!isText(expected.map(([c]) => c))) continue;
    for (const sample of loadSamples(set, 'attempts', group)) {
      const outcomes = expected.map(([channel, expectation]) => ({
        channel,
        expectation,
        rules: meets(detector.scan(sample.text, channel), expectation),
        rulesFlagged: false,
      }));
      out.push({ ...sample, set, label: 1, outcomes });
    }
  }
  for (const [group, spec] of Object.entries(manifest.benign)) {
    if (!isText(spec.channels)) continue;
    for (const sample of loadSamples(set, 'benign', group)) {
      const outcomes = spec.channels.map((channel) => {
        const result = detector.scan(sample.text, channel);
        return {
          channel,
          rules: result.verdict === 'block',
          rulesFlagged: result.findings.some((f) => f.kind === 'attempt'),
        };
      });
      out.push({ ...sample, set, label: 0, outcomes });
    }
  }
  return out;
}
