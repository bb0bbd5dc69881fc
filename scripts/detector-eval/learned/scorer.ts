import { endsSentence } from '../../../libs/detector/src/match/sentence-bounds';
import {
  normalize,
  NormalizeWorkspace,
  type NormalizedText,
} from '../../../libs/detector/src/normalize/normalizer';
import { Featurizer, type FeatureSpec, type SparseVector } from './features';
import { LogisticRegression, type Example, type TrainOptions } from './model';

/**
 * A text's score is the highest of the whole text's and of its sentence windows' (an attempt
 * buried in a long answer barely moves the whole text's vector). A window is two consecutive
 * blocks of sentences, each block filled up to half a window, so the windows overlap by half
 * and the text is read about three times in all.
 */
export const WINDOW_UNITS = 320;

/** A normalised text as a string (decoded, folded, lower case, whitespace collapsed). */
function asString(normalized: NormalizedText): string {
  return Buffer.from(
    normalized.units.buffer,
    normalized.units.byteOffset,
    normalized.length * 2,
  ).toString('utf16le');
}

/** Offsets after which a sentence ends: line breaks, and the detector's sentence ends. */
function sentenceEnds(text: NormalizedText): number[] {
  const ends: number[] = [];
  let nextBreak = 0;
  for (let k = 0; k < text.length; k += 1) {
    while (nextBreak < text.breakCount && text.breaks[nextBreak] < k) nextBreak += 1;
    const atBreak = nextBreak < text.breakCount && text.breaks[nextBreak] === k;
    if (atBreak || endsSentence(text, k)) ends.push(k + 1);
  }
  return ends;
}

/** The windows [from, to) of a normalised text longer than a window. */
export function windows(text: NormalizedText): [number, number][] {
  const half = WINDOW_UNITS / 2;
  const blocks: [number, number][] = [];
  let start = 0;
  for (const end of [...sentenceEnds(text), text.length]) {
    // A sentence longer than a block is cut into blocks of its own.
    while (end - start > half) {
      blocks.push([start, start + half]);
      start += half;
    }
    if (end > start && (end - start >= half / 2 || end === text.length)) {
      blocks.push([start, end]);
      start = end;
    }
  }
  if (blocks.length < 2) return [];
  return blocks.slice(1).map((block, i) => [blocks[i][0], block[1]]);
}

/**
 * The vectors a text is scored by: the whole text's first, then its windows' when it is longer
 * than a window.
 */
export function textVectors(
  text: string,
  featurizer: Featurizer,
  workspace: NormalizeWorkspace,
): SparseVector[] {
  const normalized = normalize(text, {}, workspace);
  const string = asString(normalized);
  const vectors = [featurizer.vector(string)];
  if (normalized.length > WINDOW_UNITS) {
    for (const [from, to] of windows(normalized)) vectors.push(featurizer.vector(string, from, to));
  }
  return vectors;
}

/** The highest score of a text's vectors. */
export function maxScore(model: LogisticRegression, vectors: SparseVector[]): number {
  return vectors.reduce((best, vector) => Math.max(best, model.score(vector)), 0);
}

export interface LearnedSignalOptions {
  features: FeatureSpec;
  training: TrainOptions;
}

/**
 * The examples a model learns from: an attempt's whole text (label 1; which of its windows
 * holds the attempt is not known), and a benign text's whole text and every window (label 0),
 * since the model is asked about windows of long texts too.
 */
export function examplesOf(texts: { vectors: SparseVector[]; label: 0 | 1 }[]): Example[] {
  return texts.flatMap(({ vectors, label }) =>
    (label === 1 ? vectors.slice(0, 1) : vectors).map((vector) => ({ vector, label })),
  );
}

/** Trains on `examples`, the two classes weighed alike. */
export function trainModel(examples: Example[], options: LearnedSignalOptions): LogisticRegression {
  const positives = examples.filter((e) => e.label === 1).length;
  const negatives = examples.length - positives;
  return LogisticRegression.train(examples, 1 << options.features.bits, {
    positiveWeight: positives > 0 ? negatives / positives : 1,
    ...options.training,
  });
}

/** The learned signal as a scanner would hold it: a trained model that scores raw text. */
export class LearnedSignal {
  private readonly workspace = new NormalizeWorkspace();
  private readonly featurizer: Featurizer;
  private readonly model: LogisticRegression;

  constructor(options: LearnedSignalOptions, texts: { text: string; label: 0 | 1 }[]) {
    this.featurizer = new Featurizer(options.features);
    const vectors = texts.map(({ text, label }) => ({
      vectors: textVectors(text, this.featurizer, this.workspace),
      label,
    }));
    this.model = trainModel(examplesOf(vectors), options);
  }

  /** The highest score of the whole text and its windows, in [0, 1]. */
  score(text: string): number {
    return maxScore(this.model, textVectors(text, this.featurizer, this.workspace));
  }
}
