import { Featurizer, type FeatureSpec, type SparseVector } from './features';
import type { LabelledText } from './labelled';
import { seededRandom, shuffle } from './model';
import { NormalizeWorkspace } from '../../../libs/detector/src/normalize/normalizer';
import { examplesOf, maxScore, textVectors, trainModel, type LearnedSignalOptions } from './scorer';

/**
 * Model selection on what may be looked at: k-fold cross-validation on `tuning/` (every tuning
 * sample scored by a model that did not see it) and the older held-out sets as validation
 * (scored by a model trained on all of `tuning/`). Features, regularisation and thresholds are
 * chosen here and nowhere else.
 */
export const FOLDS = 5;
export const SEED = 16;
const EPOCHS = 10;
const BITS = 20;

export const FEATURE_GRID: FeatureSpec[] = [
  { charMin: 3, charMax: 5, words: false, bits: BITS },
  { charMin: 3, charMax: 5, words: true, bits: BITS },
  { charMin: 2, charMax: 5, words: true, bits: BITS },
  { charMin: 1, charMax: 4, words: true, bits: BITS },
];
export const LAMBDA_GRID = [1e-6, 1e-5, 1e-4];

/** Benign flag rates the thresholds are set for, on the pooled benign samples. */
export const ALONE_BENIGN_RATE = 0.02;
export const STRICT_BENIGN_RATE = 0.01;
/** Share of the rules' hits a learned veto (rules AND learned) may cost. */
export const VETO_COST = 0.02;

export const optionsFor = (features: FeatureSpec, lambda: number): LearnedSignalOptions => ({
  features,
  training: { lambda, epochs: EPOCHS, seed: SEED },
});

/** Scores of a configuration: out-of-fold on tuning, and validation by the full model. */
export interface Scored {
  options: LearnedSignalOptions;
  tuning: number[];
  validation: number[];
}

/** Stratified folds: each label's samples shuffled (seeded) and dealt round the folds. */
export function foldsOf(samples: LabelledText[]): number[] {
  const fold = new Array<number>(samples.length);
  const random = seededRandom(SEED);
  for (const label of [0, 1]) {
    const members = samples.flatMap((s, i) => (s.label === label ? [i] : []));
    shuffle(members, random).forEach((index, k) => (fold[index] = k % FOLDS));
  }
  return fold;
}

/** Every sample's vectors (whole text first) under one feature spec. */
function vectorsOf(samples: LabelledText[], spec: FeatureSpec): SparseVector[][] {
  const featurizer = new Featurizer(spec);
  const workspace = new NormalizeWorkspace();
  return samples.map((s) => textVectors(s.text, featurizer, workspace));
}

/** Scores every configuration of the grid. */
export function scoreGrid(tuning: LabelledText[], validation: LabelledText[]): Scored[] {
  const folds = foldsOf(tuning);
  const out: Scored[] = [];
  for (const spec of FEATURE_GRID) {
    const tuningVectors = vectorsOf(tuning, spec);
    const validationVectors = vectorsOf(validation, spec);
    const labelled = tuning.map((s, i) => ({ vectors: tuningVectors[i], label: s.label }));
    for (const lambda of LAMBDA_GRID) {
      const options = optionsFor(spec, lambda);
      const oof = new Array<number>(tuning.length);
      for (let k = 0; k < FOLDS; k += 1) {
        const model = trainModel(examplesOf(labelled.filter((_, i) => folds[i] !== k)), options);
        tuning.forEach((_, i) => {
          if (folds[i] === k) oof[i] = maxScore(model, tuningVectors[i]);
        });
      }
      const full = trainModel(examplesOf(labelled), options);
      out.push({
        options,
        tuning: oof,
        validation: validationVectors.map((v) => maxScore(full, v)),
      });
    }
  }
  return out;
}

/** The lowest threshold that flags at most `rate` of `benign` scores. */
export function thresholdForRate(benign: number[], rate: number): number {
  const descending = [...benign].sort((a, b) => b - a);
  const allowed = Math.floor(rate * descending.length);
  if (allowed >= descending.length) return 0;
  // Just above the first score that may not be flagged.
  return descending[allowed] + 1e-12;
}

/** The highest threshold that keeps all but `cost` of `scores` at or above it. */
export function thresholdKeeping(scores: number[], cost: number): number {
  const ascending = [...scores].sort((a, b) => a - b);
  return ascending.length === 0 ? 0 : ascending[Math.floor(cost * ascending.length)];
}

export interface Thresholds {
  alone: number;
  strict: number;
  veto: number;
}

/**
 * The three thresholds, from tuning (out of fold) and validation pooled: the learned signal
 * alone flags at most ALONE_BENIGN_RATE of benign samples; beside the rules (rules OR learned)
 * at most STRICT_BENIGN_RATE; as a veto on the rules (rules AND learned) it keeps all but
 * VETO_COST of the attempts the rules find.
 */
export function thresholdsOf(samples: LabelledText[], scores: number[]): Thresholds {
  const benign = scores.filter((_, i) => samples[i].label === 0);
  const rulesHits = scores.filter(
    (_, i) => samples[i].label === 1 && samples[i].outcomes.every((o) => o.rules),
  );
  return {
    alone: thresholdForRate(benign, ALONE_BENIGN_RATE),
    strict: thresholdForRate(benign, STRICT_BENIGN_RATE),
    veto: thresholdKeeping(rulesHits, VETO_COST),
  };
}

/** Recall (per sample) of the attempts among `samples` at `threshold`. */
export function recallAt(samples: LabelledText[], scores: number[], threshold: number): number {
  const attempts = scores.filter((_, i) => samples[i].label === 1);
  return attempts.filter((s) => s >= threshold).length / Math.max(1, attempts.length);
}
