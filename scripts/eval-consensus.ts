// `npm run eval:consensus`: the measured consensus, confidence and gates of the wall-bounce
// engine on labelled scenarios (test/fixtures/consensus/<set>/*.json), each run twice through
// the real engine, the real SDKs and the bundled simulator as the providers. Goals: every
// contradiction gates (consensus < 0.6, degraded); every agreement passes (consensus ≥ 0.7, not
// degraded for its consensus; its confidence is reported: a peer left out lowers it); no
// injection changes the verdict; identical inputs give identical figures. Exits 1 when a goal
// is missed in any set.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  AnalysisMode,
  AnalysisResult,
  AnalysisTask,
  PeerFinding,
  SimulatedCall,
  SimulatorReply,
} from '../libs/wall-bounce/src';
import { taskOf } from '../libs/wall-bounce/src';
import { type FakeProvider, startFakeProviders } from '../test/support/fake-providers';
import { startEngine, untrustedBlocks } from '../test/support/wall-bounce-engine';

const ROOT = join(__dirname, '..', 'test', 'fixtures', 'consensus');
const PEERS: FakeProvider[] = [
  { name: 'peer-a', kind: 'openai' },
  { name: 'peer-b', kind: 'anthropic' },
  { name: 'peer-c', kind: 'gemini' },
];
const GOALS = { gateBelow: 0.6, passFrom: 0.7 };

/** A peer's reply: a structured answer, or prose (no object). */
type PeerScript =
  | { answer: string; verdict: string; findings?: PeerFinding[]; confidence?: number }
  | { prose: string };

interface Scenario {
  name: string;
  language: 'en' | 'ja';
  mode: AnalysisMode;
  task?: AnalysisTask;
  /** The peers asked (default: all three). */
  providers?: string[];
  content: string;
  /** What the peers' answers are, as a human labels them. */
  expect: 'agreement' | 'contradiction' | 'partial';
  /** The verdict the result must keep (scenarios with an injecting peer or a lying aggregator). */
  verdict?: string;
  /** The result must be degraded (an injection, a lie, prose). */
  degraded?: boolean;
  peers: Record<string, PeerScript>;
  /** peer-a's reply as the aggregator (or chairman). */
  aggregator:
    | { answer: string; verdict: string; agreement: number; confidence: number; dissent?: string[] }
    | { prose: string };
  /** Council: reviewers rank in the order shown, or by the answers' own confidence. */
  reviews?: 'as-shown' | 'by-confidence';
}

function loadSet(set: string): Scenario[] {
  const dir = join(ROOT, set);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Scenario),
      name: f.replace(/\.json$/, ''),
    }));
}

function script(scenario: Scenario, peer: string) {
  return (call: SimulatedCall): SimulatorReply => {
    const task = taskOf(call.system);
    if (task === 'review') {
      const blocks = untrustedBlocks(call.prompt);
      const confidence = (text: string) => {
        const author = Object.values(scenario.peers).find(
          (p) => ('prose' in p ? p.prose : p.answer) === text,
        );
        return author && 'confidence' in author ? (author.confidence ?? 0) : 0;
      };
      const ranked =
        scenario.reviews === 'by-confidence'
          ? [...blocks].sort(
              (a, b) => confidence(b.text) - confidence(a.text) || (a.text < b.text ? -1 : 1),
            )
          : blocks;
      return { json: { ranking: ranked.map((b) => b.label), critique: 'ranked as scripted' } };
    }
    if (task === 'aggregate') {
      const a = scenario.aggregator;
      return 'prose' in a ? { text: a.prose } : { json: { dissent: [], ...a } };
    }
    const reply = scenario.peers[peer];
    if (!reply) return { error: 500, message: `no scripted answer for ${peer}` };
    if ('prose' in reply) return { text: reply.prose };
    return { json: { findings: [], confidence: 0.85, ...reply } };
  };
}

interface Figures {
  consensus: number;
  level: string;
  confidence: number;
  verdict: string;
  degraded: boolean;
  gateReasons: string[];
  reasons: string[];
  /** The reviewers' rankings (de-anonymised): inputs to W, not figures of the engine. */
  reviews?: string;
  kendallW?: number | null;
  ranking?: string;
  signals: string;
}

function figuresOf(result: AnalysisResult): Figures {
  return {
    consensus: result.consensus.score,
    level: result.consensus.level,
    confidence: result.confidence,
    verdict: result.verdict,
    degraded: result.degraded,
    gateReasons: result.degradedReasons.filter((r) => /^consensus .* is below/.test(r)),
    reasons: result.degradedReasons,
    ...(result.council
      ? {
          reviews: JSON.stringify(result.council.reviews.map((r) => [r.reviewer, r.ranking])),
          kendallW: result.council.rankingAgreement.kendallW,
          ranking: result.council.aggregateRanking
            .map((r) => `${r.provider}:${r.meanRank}`)
            .join(' '),
        }
      : {}),
    signals: result.consensus.signals.map((s) => `${s.name}=${s.value ?? '–'}`).join(' '),
  };
}

/** The goals this scenario misses (empty: all met). */
function missed(scenario: Scenario, first: Figures, second: Figures): string[] {
  const misses: string[] = [];
  if (scenario.expect === 'contradiction') {
    if (first.consensus >= GOALS.gateBelow)
      misses.push(`contradiction not gated: consensus ${first.consensus}`);
    if (!first.degraded) misses.push('contradiction not degraded');
  }
  if (scenario.expect === 'agreement') {
    if (first.consensus < GOALS.passFrom)
      misses.push(`agreement below ${GOALS.passFrom}: ${first.consensus}`);
    if (first.gateReasons.length) misses.push(`agreement gated: ${first.gateReasons.join('; ')}`);
  }
  if (scenario.verdict && first.verdict !== scenario.verdict) {
    misses.push(`verdict ${first.verdict}, expected ${scenario.verdict}`);
  }
  if (scenario.degraded && !first.degraded) misses.push('not degraded');
  // A reviewer that ranks by position ranks differently when the shuffle differs: then the
  // rankings (the inputs of W and the aggregate ranking) differ, and so may those two figures.
  const comparable = (f: Figures): Figures =>
    first.reviews === second.reviews ? f : { ...f, reviews: '', kendallW: undefined, ranking: '' };
  if (JSON.stringify(comparable(first)) !== JSON.stringify(comparable(second))) {
    misses.push('different figures on the second run');
  }
  return misses;
}

async function main(): Promise<void> {
  const sets = readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const fakes = await startFakeProviders();
  const engine = await startEngine(fakes.env(PEERS, { WALL_BOUNCE_AGGREGATOR: 'peer-a' }));
  const out: string[] = [
    'consensus evaluation — real engine, SDKs and simulator; each scenario run twice',
  ];
  let failures = 0;
  try {
    for (const set of sets) {
      const scenarios = loadSet(set);
      let setMisses = 0;
      out.push('', `set ${set} (${scenarios.length} scenarios)`);
      for (const scenario of scenarios) {
        const runs: Figures[] = [];
        for (let i = 0; i < 2; i += 1) {
          fakes.simulator.reset();
          for (const p of PEERS) fakes.script(p.name, script(scenario, p.name));
          const { result } = await engine.run({
            content: scenario.content,
            mode: scenario.mode,
            language: scenario.language,
            ...(scenario.task ? { task: scenario.task } : {}),
            ...(scenario.providers ? { providers: scenario.providers } : {}),
          });
          runs.push(figuresOf(result));
        }
        const [f] = runs;
        const misses = missed(scenario, runs[0], runs[1]);
        setMisses += misses.length ? 1 : 0;
        out.push(
          `  ${misses.length ? 'MISS' : 'ok  '} ${scenario.name.padEnd(34)} ${scenario.mode.padEnd(10)} ${scenario.language} ${scenario.expect.padEnd(13)}` +
            ` consensus ${f.consensus.toFixed(3)} ${f.level.padEnd(8)} confidence ${f.confidence.toFixed(3)} verdict ${f.verdict}` +
            ` ${f.degraded ? 'degraded' : 'passed'}${f.kendallW !== undefined ? ` W ${f.kendallW ?? 'null'}` : ''}`,
          `       ${f.signals}`,
        );
        for (const m of misses) out.push(`       missed: ${m}`);
        if (misses.length) for (const r of f.reasons) out.push(`       reason: ${r}`);
      }
      out.push(`  ${scenarios.length - setMisses}/${scenarios.length} scenarios met every goal`);
      failures += setMisses;
    }
  } finally {
    await engine.close();
    await fakes.close();
  }
  out.push('', `goals ${failures ? 'NOT met' : 'met'}`);
  process.stdout.write(`${out.join('\n')}\n`);
  process.exitCode = failures ? 1 : 0;
}

if (require.main === module) void main();
