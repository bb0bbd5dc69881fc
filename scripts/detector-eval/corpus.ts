import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Channel, FieldMeaning, SelfTargets } from '../../libs/detector/src';

/** The labelled detector corpora: test/fixtures/detector (see its README). */
export const CORPUS_ROOT = join(__dirname, '..', '..', 'test', 'fixtures', 'detector');
export const SETS = ['tuning', 'held-out-3', 'held-out-4', 'held-out-5', 'held-out-11'] as const;
export type CorpusSet = (typeof SETS)[number];

/** What a class of attempts must do: be blocked, or found as a (counted) attempt. */
export type Expectation = 'block' | 'attempt';

export interface AttemptClass {
  title: string;
  expect: Partial<Record<Channel, Expectation>>;
  field?: FieldMeaning;
}

export interface BenignKind {
  title: string;
  channels: Channel[];
  field?: FieldMeaning;
}

export interface CorpusManifest {
  service: { description: string; selfTargets: SelfTargets };
  attempts: Record<string, AttemptClass>;
  benign: Record<string, BenignKind>;
}

export interface Sample {
  /** Path below the set, with a line number for samples of a `.lines.txt` file. */
  name: string;
  group: string;
  text: string;
  language: 'en' | 'ja';
}

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

export function loadManifest(): CorpusManifest {
  return JSON.parse(readFileSync(join(CORPUS_ROOT, 'classes.json'), 'utf8')) as CorpusManifest;
}

/**
 * The samples of one group (an attempt class or a benign kind) of a set: one per `.txt`
 * file, or one per non-empty line of a `.lines.txt` file.
 */
export function loadSamples(set: CorpusSet, kind: 'attempts' | 'benign', group: string): Sample[] {
  const dir = join(CORPUS_ROOT, set, kind, group);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile());
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    const sample = (body: string, label: string): Sample => ({
      name: `${kind}/${group}/${label}`,
      group,
      text: body,
      language: JAPANESE.test(body) ? 'ja' : 'en',
    });
    if (!name.endsWith('.lines.txt')) return [sample(text, name)];
    return text
      .split('\n')
      .map((line, index) => ({ line: line.replace(/\r$/, ''), index }))
      .filter(({ line }) => line.length > 0)
      .map(({ line, index }) => sample(line, `${name}:${index + 1}`));
  });
}
