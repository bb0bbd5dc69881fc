// Content detector throughput: 1 MiB and 2 MiB of ordinary and adversarial text on each
// channel that sees large inputs; growth from 1 to 2 MiB should be linear (ratio ≈ 2).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentDetector, type Channel } from '../../libs/detector/src';
import type { BenchSection } from '../bench-section';

const MiB = 1024 * 1024;
const RUNS = 7;

function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function ordinary(): string {
  const dir = join(__dirname, '..', '..', 'test', 'fixtures', 'detector', 'benign');
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}

/** Inputs built to hurt naive matchers: dense anchors, long runs, deep nesting, decodable noise. */
const KINDS: Record<string, string> = {
  'ordinary (benign corpus)': ordinary(),
  'prose, Japanese': 'このシステムは入力を検証し、結果を返します。自身の設定は変更しません。',
  'dense anchors (eyJ, on, sk-, <)': 'eyJon sk-<on<eyJ.eyJ.',
  'long token run (no separator)': 'a',
  'percent noise (%25%c0%af%2e)': '%25%c0%af%2e%%35%63',
  'entity/escape noise': '&#x3c;&lt;\\x3c\\u003c&amp;',
  'writes and targets (near rules)': 'fs.writeFileSync(( __dirname ',
  'deep parentheses': '((((((((((',
  'path traversal run': '../..\\',
};

/** Best of RUNS for each size, the sizes interleaved so machine noise hits both alike. */
function time(detector: ContentDetector, texts: string[], channel: Channel): number[] {
  const best = texts.map(() => Number.POSITIVE_INFINITY);
  for (let run = 0; run < RUNS; run += 1) {
    texts.forEach((text, index) => {
      const started = process.hrtime.bigint();
      detector.scan(text, channel);
      best[index] = Math.min(best[index], Number(process.hrtime.bigint() - started) / 1e6);
    });
  }
  return best;
}

export default async function detectorBench(): Promise<BenchSection> {
  const detector = new ContentDetector();
  detector.scan(fill(KINDS['ordinary (benign corpus)'], 64 * 1024), 'llm-answer'); // warm up
  const rows: Record<string, string | number>[] = [];
  let worstRatio = 0;
  let worstPerMiB = 0;
  for (const [kind, unit] of Object.entries(KINDS)) {
    for (const channel of ['llm-answer', 'request-text'] as Channel[]) {
      const [one, two] = time(detector, [fill(unit, MiB), fill(unit, 2 * MiB)], channel);
      const ratio = two / one;
      worstRatio = Math.max(worstRatio, ratio);
      worstPerMiB = Math.max(worstPerMiB, two / 2);
      rows.push({
        input: kind,
        channel,
        '1 MiB ms': one.toFixed(1),
        '2 MiB ms': two.toFixed(1),
        'ms per MiB (2 MiB)': (two / 2).toFixed(1),
        'growth 1→2 MiB': ratio.toFixed(2),
      });
    }
  }
  await Promise.resolve();
  return {
    title: 'content detector: time per MiB, ordinary and adversarial input',
    rows,
    goals: [
      {
        name: 'linear growth (time at 2 MiB / time at 1 MiB, worst input)',
        target: '≤ 2.5',
        actual: worstRatio.toFixed(2),
        met: worstRatio <= 2.5,
      },
      {
        name: 'worst time per MiB',
        target: '≤ 1000 ms',
        actual: `${worstPerMiB.toFixed(0)} ms`,
        met: worstPerMiB <= 1000,
      },
    ],
  };
}
