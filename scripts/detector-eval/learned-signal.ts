// `npm run eval:learned`: an experiment, not a product verdict. Would a small learned classifier
// beside the rules generalise better to unseen text? Trains a logistic regression on hashed
// features of the detector's normalised text, on `tuning/` only; chooses features,
// regularisation and thresholds by cross-validation on `tuning/` and by the older held-out
// sets (held-out-3, -4, -5: validation); reports those figures, what the signal flags in
// ordinary code and its scan cost. `npm run eval:learned -- --final` also measures the frozen
// procedure once on the newest held-out set, which nothing before that run reads: first
// `held-out-10/` (before it was folded into `tuning/`), now `held-out-11/` (figures in
// docs/security.md).
//
// Pre-registered (committed before the held-out-10 run, kept unchanged since): the decisions
// measured there are the rules alone; the learned signal alone (threshold: at most 2 % of pooled benign samples
// flagged); rules OR learned at the strict threshold (at most 1 % of pooled benign flagged);
// and rules AND learned (a veto at the threshold that keeps 98 % of the rules' pooled hits).
// The primary comparison is rules OR learned against the rules alone.
import { ContentDetector } from '../../libs/detector/src';
import { loadManifest, type CorpusSet } from './corpus';
import { describe, figures, type Decision } from './learned/figures';
import { loadLabelled, type LabelledText } from './learned/labelled';
import { LearnedSignal } from './learned/scorer';
import {
  recallAt,
  scoreGrid,
  thresholdsOf,
  thresholdForRate,
  ALONE_BENIGN_RATE,
  FOLDS,
  type Scored,
  type Thresholds,
} from './learned/selection';
import { ordinaryFiles } from './ordinary-code';

const VALIDATION: CorpusSet[] = ['held-out-3', 'held-out-4', 'held-out-5'];
const FINAL: CorpusSet = 'held-out-11';
const SPEED_RUNS = 3;

const manifest = loadManifest();
const detector = new ContentDetector({ selfTargets: manifest.service.selfTargets });
const print = (line = ''): boolean => process.stdout.write(`${line}\n`);

/** A set's text samples, less those whose text is also in `tuning/` (seen in training). */
function unseen(set: CorpusSet, seen: Set<string>): LabelledText[] {
  const all = loadLabelled(set, manifest, detector);
  const kept = all.filter((s) => !seen.has(s.text.trim()));
  print(
    `  ${set}: ${kept.length} text samples (${all.length - kept.length} also in tuning, left out)`,
  );
  return kept;
}

const describeOptions = ({ options }: Scored): string => {
  const f = options.features;
  return `chars ${f.charMin}-${f.charMax}${f.words ? ' + words 1-2' : ''}, 2^${f.bits} slots, lambda ${options.training.lambda}`;
};

/** The configuration with the best validation recall at the learned-alone threshold. */
function select(grid: Scored[], tuning: LabelledText[], validation: LabelledText[]): Scored {
  print('model selection: recall (per sample) at the threshold that flags 2 % of pooled benign');
  let best: { scored: Scored; key: [number, number] } | undefined;
  for (const scored of grid) {
    const benign = [
      ...scored.tuning.filter((_, i) => tuning[i].label === 0),
      ...scored.validation.filter((_, i) => validation[i].label === 0),
    ];
    const t = thresholdForRate(benign, ALONE_BENIGN_RATE);
    const key: [number, number] = [
      recallAt(validation, scored.validation, t),
      recallAt(tuning, scored.tuning, t),
    ];
    print(
      `  ${describeOptions(scored).padEnd(52)} validation ${key[0].toFixed(3)}  tuning (CV) ${key[1].toFixed(3)}`,
    );
    if (!best || key[0] > best.key[0] || (key[0] === best.key[0] && key[1] > best.key[1])) {
      best = { scored, key };
    }
  }
  print(`  chosen: ${describeOptions(best!.scored)}`);
  return best!.scored;
}

function decisions(t: Thresholds): Decision[] {
  return [
    { name: 'rules alone', threshold: Infinity, combine: (rules) => rules },
    { name: `learned alone (>= ${t.alone.toFixed(3)})`, threshold: t.alone, combine: (_, l) => l },
    {
      name: `rules OR learned (>= ${t.strict.toFixed(3)})`,
      threshold: t.strict,
      combine: (rules, l) => rules || l,
    },
    {
      name: `rules AND learned (>= ${t.veto.toFixed(3)})`,
      threshold: t.veto,
      combine: (rules, l) => rules && l,
    },
  ];
}

function report(title: string, samples: LabelledText[], scores: number[], t: Thresholds): void {
  print(title);
  for (const decision of decisions(t)) {
    print(`  ${decision.name}`);
    for (const line of describe(figures(samples, scores, decision))) print(line);
  }
}

const mib = (bytes: number): number => bytes / (1024 * 1024);

function ordinaryCode(signal: LearnedSignal, t: Thresholds): void {
  const files = ordinaryFiles();
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
  const scores = files.map((f) => signal.score(f.text));
  const flagged = (threshold: number): string[] =>
    files.filter((_, i) => scores[i] >= threshold).map((f) => f.path);
  print(`ordinary code: ${files.length} files, ${mib(bytes).toFixed(1)} MiB (request-text)`);
  for (const [name, threshold] of [
    ['learned alone', t.alone],
    ['rules OR learned, learned part', t.strict],
  ] as const) {
    const paths = flagged(threshold);
    print(`  ${name} (>= ${threshold.toFixed(3)}): ${paths.length} files would count as attempts`);
    if (paths.length > 0)
      print(`    ${paths.slice(0, 20).join(', ')}${paths.length > 20 ? ', …' : ''}`);
  }
  const timings = (scan: (text: string) => unknown): string => {
    const runs: number[] = [];
    for (let run = 0; run < SPEED_RUNS; run += 1) {
      const started = performance.now();
      for (const f of files) scan(f.text);
      runs.push((performance.now() - started) / mib(bytes));
    }
    return `${Math.min(...runs).toFixed(0)}–${Math.max(...runs).toFixed(0)} ms/MiB`;
  };
  print(`  scan cost over these files, ${SPEED_RUNS} runs (machine shared, noisy):`);
  print(`    learned signal ${timings((text) => signal.score(text))}`);
  print(`    rules (request-text) ${timings((text) => detector.scan(text, 'request-text'))}`);
}

function main(): void {
  const final = process.argv.includes('--final');
  print('learned signal beside the rules (npm run eval:learned); corpus test/fixtures/detector');
  print('text samples (self-modification and instruction classes; benign text):');
  const tuning = loadLabelled('tuning', manifest, detector);
  print(`  tuning: ${tuning.length} text samples`);
  const seen = new Set(tuning.map((s) => s.text.trim()));
  const bySet = new Map(VALIDATION.map((set) => [set, unseen(set, seen)]));
  const validation = [...bySet.values()].flat();
  print();
  const chosen = select(scoreGrid(tuning, validation), tuning, validation);
  const thresholds = thresholdsOf(
    [...tuning, ...validation],
    [...chosen.tuning, ...chosen.validation],
  );
  print();
  report(
    `tuning (${FOLDS}-fold cross-validation, out-of-fold scores)`,
    tuning,
    chosen.tuning,
    thresholds,
  );
  let offset = 0;
  for (const [set, samples] of bySet) {
    const scores = chosen.validation.slice(offset, offset + samples.length);
    offset += samples.length;
    print();
    report(`validation: ${set}`, samples, scores, thresholds);
  }
  print();
  report('validation: the three sets pooled', validation, chosen.validation, thresholds);
  const signal = new LearnedSignal(chosen.options, tuning);
  print();
  ordinaryCode(signal, thresholds);
  if (!final) return;
  print();
  print(`FINAL: ${FINAL}, measured once with the procedure above frozen`);
  const samples = unseen(FINAL, seen);
  report(
    `held-out: ${FINAL}`,
    samples,
    samples.map((s) => signal.score(s.text)),
    thresholds,
  );
}

if (require.main === module) main();
