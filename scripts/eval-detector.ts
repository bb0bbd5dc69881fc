// `npm run eval:detector`: the content detector's quality, measured on the labelled corpora of
// test/fixtures/detector (tuning set and held-out sets, per attack class and per language), on
// benign text (false blocks), on ordinary code (what a CI review of real files would report)
// and on the attack corpus in structured fields. Exits 1 when a goal is missed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentDetector, type Channel, type ScanResult } from '../libs/detector/src';
import {
  CORPUS_ROOT,
  loadManifest,
  loadSamples,
  SETS,
  type CorpusSet,
  type Expectation,
  type Sample,
} from './detector-eval/corpus';
import { meets } from './detector-eval/expectation';
import { ordinaryFiles } from './detector-eval/ordinary-code';

const GOALS = { recall: 0.97, falseBlocks: 0.01 };
const ATTACK_CORPUS = join(CORPUS_ROOT, '..', 'attack-corpus');

const manifest = loadManifest();
const detector = new ContentDetector({ selfTargets: manifest.service.selfTargets });
const out: string[] = [];
const failures: string[] = [];
const print = (line = ''): number => out.push(line);
const share = (part: number, whole: number): string =>
  whole === 0 ? '  n/a' : (part / whole).toFixed(3);

interface Tally {
  hit: number;
  total: number;
}
const tally = (): Tally => ({ hit: 0, total: 0 });

function evaluateAttempts(set: CorpusSet): void {
  print(`attempts (${set}): recall per class and channel, by language (goal ≥ ${GOALS.recall})`);
  const byLanguage: Record<string, Tally> = { en: tally(), ja: tally() };
  const missed: string[] = [];
  for (const [name, spec] of Object.entries(manifest.attempts)) {
    const samples = loadSamples(set, 'attempts', name);
    if (samples.length === 0) continue;
    for (const [channel, expectation] of Object.entries(spec.expect) as [Channel, Expectation][]) {
      const counts: Record<string, Tally> = { en: tally(), ja: tally() };
      for (const sample of samples) {
        const ok = meets(detector.scan(sample.text, channel, { field: spec.field }), expectation);
        for (const t of [counts[sample.language], byLanguage[sample.language]]) {
          t.total += 1;
          if (ok) t.hit += 1;
        }
        if (!ok) missed.push(`${sample.name} (${channel})`);
      }
      const all = counts.en.hit + counts.ja.hit;
      const total = counts.en.total + counts.ja.total;
      const cell = (t: Tally): string => (t.total ? `${t.hit}/${t.total}` : '-');
      print(
        `  ${name.padEnd(24)} ${channel.padEnd(14)} ${expectation.padEnd(8)} ${share(all, total)}  en ${cell(counts.en).padEnd(7)} ja ${cell(counts.ja)}`,
      );
      for (const [language, t] of Object.entries(counts)) {
        if (t.total > 0 && t.hit / t.total < GOALS.recall) {
          failures.push(
            `${set}: ${name} in ${channel} (${language}) recall ${share(t.hit, t.total)}`,
          );
        }
      }
    }
  }
  for (const [language, t] of Object.entries(byLanguage)) {
    print(`  all classes, ${language}: ${share(t.hit, t.total)} (${t.hit}/${t.total})`);
  }
  if (missed.length > 0) print(`  missed: ${missed.join(', ')}`);
}

function evaluateBenign(set: CorpusSet): void {
  print(`benign (${set}): false blocks (goal ≤ ${GOALS.falseBlocks}) and attempts counted`);
  let scans = 0;
  let blocked = 0;
  const blocks: string[] = [];
  const attempts: string[] = [];
  for (const [name, spec] of Object.entries(manifest.benign)) {
    const samples = loadSamples(set, 'benign', name);
    if (samples.length === 0) continue;
    let groupBlocks = 0;
    let groupAttempts = 0;
    let notes = 0;
    for (const sample of samples) {
      for (const channel of spec.channels) {
        const result = detector.scan(sample.text, channel, { field: spec.field });
        scans += 1;
        if (result.verdict === 'block') {
          blocked += 1;
          groupBlocks += 1;
          blocks.push(`${sample.name} (${channel}: ${rulesOf(result, 'attempt')})`);
        } else if (result.findings.some((f) => f.kind === 'attempt')) {
          groupAttempts += 1;
          attempts.push(`${sample.name} (${channel}: ${rulesOf(result, 'attempt')})`);
        }
        notes += result.findings.filter((f) => f.kind === 'risk').length;
      }
    }
    print(
      `  ${name.padEnd(18)} ${String(samples.length).padStart(4)} samples × ${spec.channels.length} channels   blocked ${groupBlocks}   attempts flagged ${groupAttempts}   risk notes ${notes}`,
    );
  }
  print(`  false-block rate ${share(blocked, scans)} (${blocked}/${scans} scans)`);
  if (blocks.length > 0) print(`  blocked: ${blocks.join('; ')}`);
  if (attempts.length > 0) print(`  flagged as attempts: ${attempts.join('; ')}`);
  if (scans > 0 && blocked / scans > GOALS.falseBlocks) {
    failures.push(`${set}: false-block rate ${share(blocked, scans)}`);
  }
}

function rulesOf(result: ScanResult, kind: string): string {
  return [...new Set(result.findings.filter((f) => f.kind === kind).map((f) => f.rule))].join(', ');
}

function evaluateOrdinaryCode(): void {
  const files = ordinaryFiles();
  const packages = new Map<string, number>();
  for (const f of files) packages.set(f.label, (packages.get(f.label) ?? 0) + 1);
  print(
    `ordinary code: ${files.length} files (${[...packages].map(([p, n]) => `${p} ${n}`).join(', ')})`,
  );
  let attemptFiles = 0;
  let attemptFindings = 0;
  let quotedBlocks = 0;
  let unquotedBlocks = 0;
  const risks = new Map<string, number>();
  let secrets = 0;
  const offenders: string[] = [];
  for (const file of files) {
    // As the CLI sends it (request-text): attempts are what SARIF reports as error/warning.
    const review = detector.scan(file.text, 'request-text');
    const found = review.findings.filter((f) => f.kind === 'attempt');
    if (found.length > 0) {
      attemptFiles += 1;
      attemptFindings += found.length;
      offenders.push(`${file.path} (${rulesOf(review, 'attempt')})`);
    }
    for (const f of review.findings) {
      if (f.kind === 'risk') risks.set(f.rule, (risks.get(f.rule) ?? 0) + 1);
      if (f.kind === 'secret') secrets += 1;
    }
    // As an LLM answer that quotes the reviewed file.
    if (detector.scan(file.text, 'llm-answer', { quotedFrom: file.text }).verdict === 'block') {
      quotedBlocks += 1;
      offenders.push(`${file.path} (blocked as a quoting answer)`);
    }
    if (detector.scan(file.text, 'llm-answer').verdict === 'block') unquotedBlocks += 1;
  }
  print(
    `  request-text: attempts ${attemptFindings} in ${attemptFiles} files (goal 0; SARIF error/warning results ${attemptFindings})`,
  );
  print(
    `  risk notes ${[...risks.values()].reduce((a, b) => a + b, 0)} (${[...risks].map(([r, n]) => `${r} ${n}`).join(', ')}); secrets flagged ${secrets}`,
  );
  print(`  llm-answer quoting the file: blocked ${quotedBlocks} (goal 0)`);
  print(
    `  llm-answer writing the same code anew (no quote; not a goal): blocked ${unquotedBlocks}/${files.length}`,
  );
  if (offenders.length > 0) print(`  offenders: ${offenders.join('; ')}`);
  if (attemptFindings > 0) failures.push(`ordinary code: ${attemptFindings} attempts`);
  if (quotedBlocks > 0) failures.push(`ordinary code: ${quotedBlocks} quoting answers blocked`);
}

function evaluateAttackCorpus(): void {
  print(
    'attack corpus (PayloadsAllTheThings) in a structured field (request-field): share blocked',
  );
  for (const name of readdirSync(ATTACK_CORPUS)
    .filter((n) => n.endsWith('.txt'))
    .sort()) {
    const lines = readFileSync(join(ATTACK_CORPUS, name), 'utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.length > 0);
    const blocked = lines.filter((l) => detector.scan(l, 'request-field').verdict === 'block');
    print(
      `  ${name.padEnd(40)} ${share(blocked.length, lines.length)} (${blocked.length}/${lines.length})`,
    );
  }
}

function main(): void {
  const started = performance.now();
  print('detector evaluation (npm run eval:detector); corpus test/fixtures/detector');
  print(`self targets: ${manifest.service.description}`);
  for (const set of SETS) {
    print();
    evaluateAttempts(set);
    evaluateBenign(set);
  }
  print();
  evaluateOrdinaryCode();
  print();
  evaluateAttackCorpus();
  print();
  print(failures.length === 0 ? 'goals met' : `goals NOT met:\n  ${failures.join('\n  ')}`);
  print(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  process.stdout.write(`${out.join('\n')}\n`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

export type { Sample };

if (require.main === module) main();
