// `npm run bench`: runs every bench/sections/*.bench.ts (or those whose name contains one of
// the arguments), prints each section as a table with its goals, and writes
// bench/results/latest.json. Benchmarks report figures; they do not fail on them.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render, type BenchSection } from './bench-section';

export type { BenchGoal, BenchSection } from './bench-section';

const SECTIONS = join(__dirname, 'sections');
const RESULTS = join(__dirname, 'results');

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(SECTIONS)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
    .sort();
  const results: (BenchSection & { file: string })[] = [];
  for (const file of files) {
    const started = Date.now();
    const module = (await import(join(SECTIONS, file))) as {
      default: () => Promise<BenchSection>;
    };
    try {
      const section = await module.default();
      results.push({ ...section, file });
      process.stdout.write(
        `${render(section)}\n  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({ title: file, rows: [], goals: [], file });
      process.stdout.write(`\n== ${file} ==\n  failed: ${message}\n`);
      process.exitCode = 1;
    }
  }
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, 'latest.json'),
    JSON.stringify(
      { at: new Date().toISOString(), node: process.version, sections: results },
      null,
      2,
    ),
  );
  process.stdout.write(`\nresults written to bench/results/latest.json\n`);
}

void main();
