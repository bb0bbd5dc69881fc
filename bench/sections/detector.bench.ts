// Content detector throughput: 1 MiB and 2 MiB of ordinary and adversarial text on every
// channel; the worst input must scan 2 MiB in at most 50 ms of CPU time and growth from 1 to
// 2 MiB must stay linear (ratio ≈ 2). CPU time (process.cpuUsage) is the goal's measure: on a
// shared machine the wall time, reported beside it, also counts the time other processes ran.
// The scans run in a process of their own (detector-timing.cjs): the built detector in plain
// `node`, as the service runs it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CHANNELS, type Channel, type ScanOptions } from '../../libs/detector/src';
import { loadManifest, loadSamples } from '../../scripts/detector-eval/corpus';
import { buildOnce } from '../bench-service';
import type { BenchSection } from '../bench-section';

const MiB = 1024 * 1024;
const RUNS = 5;
const GOAL_MS = 50;

function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function ordinary(): string {
  return loadSamples('tuning', 'benign', 'code')
    .map((sample) => sample.text)
    .join('\n');
}

/**
 * Inputs built to hurt naive matchers: dense anchors of every rule shape (shapes, near
 * constraints in windows, calls and lines, negations), long runs, deep nesting, decodable
 * noise, look-alikes and expansions, many line breaks, and deployment files dense with the
 * service's own paths (every line a target that rules must weigh).
 */
const KINDS: Record<string, string> = {
  'ordinary (benign code corpus)': ordinary(),
  'prose, Japanese': 'このシステムは入力を検証し、結果を返します。自身の設定は変更しません。',
  'dense anchors (eyJ, on, sk-, <)': 'eyJon sk-<on<eyJ.eyJ.',
  'long token run (no separator)': 'a',
  'percent noise (%25%c0%af%2e)': '%25%c0%af%2e%%35%63',
  'entity/escape noise': '&#x3c;&lt;\\x3c\\u003c&amp;',
  'writes and targets (call scope)': 'fs.writeFileSync(( __dirname ',
  'deep parentheses': '((((((((((',
  'path traversal run': '../..\\',
  'instructions without verbs (EN)': 'your own code the running server ',
  'instructions with negations (EN)': 'never rewrite your own code ',
  'instructions (JA)': '自身のコードを書き換えない。実行中のサーバーの設定',
  'instructions, subject forms and mixed (JA, EN)':
    '本サービスは自分の audit log を消さないこと。TechSapo should not disable ',
  'shell lines (line scope, targets)': 'rm -rf node_modules/ cp dist/apps/ ; ',
  'SQL strings without a clause': "'select 'update \"delete ",
  'template openers without a close': '${{{#{<%',
  'Redis keys and verbs': 'del techsapo:x set techsapo:',
  'look-alikes and full width': '..∕ｆｓ．ｗｒｉｔｅ＜ｓ＞',
  'astral letters (expansions)': '𝒳𝓎ﬁ',
  'line breaks': 'a\n',
  'service paths (compose and Dockerfile lines naming /app)':
    'volumes:\n  - ./data:/app/data\n  - ./mcp.json:/app/mcp.json:ro\nenvironment:\n  - NODE_ENV=production\nWORKDIR /app\nCOPY package.json /app/\n',
};

const QUOTED = fill(KINDS['writes and targets (call scope)'], MiB);

interface Timing {
  /** CPU time of the scanning process (user + system), ms. */
  cpu: number;
  wall: number;
}

interface TimedCase {
  unit: string;
  sizes: number[];
  channel: Channel;
  options: ScanOptions;
}

/** Each case's best timing per size, measured by detector-timing.cjs on the built detector. */
function timeBuilt(cases: TimedCase[]): Timing[][] {
  buildOnce();
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  const output = execFileSync(process.execPath, [join(__dirname, 'detector-timing.cjs')], {
    input: JSON.stringify({
      selfTargets: loadManifest().service.selfTargets,
      runs: RUNS,
      warmUp: { unit: KINDS['ordinary (benign code corpus)'], size: 64 * 1024 },
      cases,
    }),
    env,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output.toString('utf8')) as Timing[][];
}

export default async function detectorBench(): Promise<BenchSection> {
  const rows: Record<string, string | number>[] = [];
  let worstRatio = 0;
  let worstTwo = 0;
  let worstWall = 0;
  let worstInput = '';
  const cases: { kind: string; channel: Channel; options: ScanOptions }[] = [
    ...Object.keys(KINDS).flatMap((kind) =>
      CHANNELS.map((channel) => ({ kind, channel, options: {} })),
    ),
    {
      kind: 'writes and targets (call scope)',
      channel: 'llm-answer',
      options: { quotedFrom: QUOTED },
    },
    { kind: 'path traversal run', channel: 'request-field', options: { field: 'repository-path' } },
  ];
  const timings = timeBuilt(
    cases.map(({ kind, channel, options }) => ({
      unit: KINDS[kind],
      sizes: [MiB, 2 * MiB],
      channel,
      options,
    })),
  );
  for (const [index, { kind, channel, options }] of cases.entries()) {
    const [one, two] = timings[index];
    const ratio = two.cpu / one.cpu;
    worstRatio = Math.max(worstRatio, ratio);
    const label = `${kind}${options.quotedFrom ? ', quoting 1 MiB' : ''}${options.field ? `, field ${options.field}` : ''}`;
    if (two.cpu > worstTwo) {
      worstTwo = two.cpu;
      worstWall = two.wall;
      worstInput = `${label} (${channel})`;
    }
    rows.push({
      input: label,
      channel,
      '1 MiB cpu ms': one.cpu.toFixed(1),
      '2 MiB cpu ms': two.cpu.toFixed(1),
      '2 MiB wall ms': two.wall.toFixed(1),
      'growth 1→2 MiB': ratio.toFixed(2),
    });
  }
  return {
    title:
      'content detector (built, plain node): CPU and wall time at 1 and 2 MiB, ordinary and adversarial input, every channel',
    rows,
    goals: [
      {
        name: 'linear growth (CPU time at 2 MiB / at 1 MiB, worst input)',
        target: '≤ 2.5',
        actual: worstRatio.toFixed(2),
        met: worstRatio <= 2.5,
      },
      {
        name: `worst input at 2 MiB, CPU time (${worstInput}; wall ${worstWall.toFixed(1)} ms)`,
        target: `≤ ${GOAL_MS} ms`,
        actual: `${worstTwo.toFixed(1)} ms`,
        met: worstTwo <= GOAL_MS,
      },
    ],
  };
}
