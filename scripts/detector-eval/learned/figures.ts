import { BLOCKING_CHANNELS, type LabelledText } from './labelled';

/**
 * How a verdict is reached from the rules' outcome and the learned signal's (score at or above
 * a threshold). Where the learned signal acts alone it blocks in the blocking channels and
 * counts an attempt in content under review, as the rules do.
 */
export interface Decision {
  name: string;
  threshold: number;
  combine(rules: boolean, learned: boolean): boolean;
}

export interface Tally {
  hit: number;
  total: number;
}

export interface SetFigures {
  /** Per attempt class and language: scans that met the class's expectation. */
  classes: Map<string, { en: Tally; ja: Tally }>;
  byLanguage: { en: Tally; ja: Tally };
  /** Benign: blocked scans over all scans (as `npm run eval:detector` counts them). */
  falseBlocks: Tally;
  /** Benign content under review (`request-text`) counted as an attempt. */
  reviewFlags: Tally;
}

const tally = (): Tally => ({ hit: 0, total: 0 });
const count = (t: Tally, ok: boolean): void => {
  t.total += 1;
  if (ok) t.hit += 1;
};

/** The figures of `decision` on samples with their learned scores. */
export function figures(samples: LabelledText[], scores: number[], decision: Decision): SetFigures {
  const out: SetFigures = {
    classes: new Map(),
    byLanguage: { en: tally(), ja: tally() },
    falseBlocks: tally(),
    reviewFlags: tally(),
  };
  samples.forEach((sample, i) => {
    const learned = scores[i] >= decision.threshold;
    if (sample.label === 1) {
      const row = out.classes.get(sample.group) ?? { en: tally(), ja: tally() };
      out.classes.set(sample.group, row);
      for (const o of sample.outcomes) {
        const ok = decision.combine(o.rules, learned);
        count(row[sample.language], ok);
        count(out.byLanguage[sample.language], ok);
      }
      return;
    }
    for (const o of sample.outcomes) {
      const blocks = BLOCKING_CHANNELS.includes(o.channel);
      count(out.falseBlocks, decision.combine(o.rules, learned && blocks));
      if (!blocks) count(out.reviewFlags, decision.combine(o.rulesFlagged, learned));
    }
  });
  return out;
}

export const share = (t: Tally): string => (t.total === 0 ? '  n/a' : (t.hit / t.total).toFixed(3));
const cell = (t: Tally): string => (t.total === 0 ? '-' : `${share(t)} (${t.hit}/${t.total})`);

/** The figures as report lines. */
export function describe(f: SetFigures): string[] {
  const lines = [...f.classes].map(
    ([group, row]) => `    ${group.padEnd(18)} en ${cell(row.en).padEnd(18)} ja ${cell(row.ja)}`,
  );
  lines.push(
    `    all attempts       en ${cell(f.byLanguage.en).padEnd(18)} ja ${cell(f.byLanguage.ja)}`,
  );
  lines.push(
    `    benign: false-block rate ${cell(f.falseBlocks)}; counted as attempts in review ${f.reviewFlags.hit}/${f.reviewFlags.total}`,
  );
  return lines;
}
