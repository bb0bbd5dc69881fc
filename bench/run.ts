// `npm run bench`: runs every bench/sections/*.bench.ts (or those whose name contains one of
// the arguments), prints each section as a table with its goals, and writes
// bench/results/latest.json. Benchmarks report figures; they do not fail on them.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSection } from './bench-section';

export type { BenchGoal, BenchSection } from './bench-section';

const SECTIONS = join(__dirname, 'sections');
const RESULTS = join(__dirname, 'results');

function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '  (no rows)';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: string | number | undefined): string =>
    value === undefined ? '' : String(value);
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (cells: string[]): string =>
    `  ${cells.map((c, i) => (/^-?[\d.]+$/.test(c) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`;
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(columns.map((c) => cell(row[c])))),
  ].join('\n');
}

function render(section: BenchSection): string {
  const parts = [`\n== ${section.title} ==`, table(section.rows)];
  for (const goal of section.goals ?? []) {
    parts.push(
      `  goal ${goal.met ? 'met    ' : 'NOT met'}  ${goal.name}: target ${goal.target}, actual ${goal.actual}`,
    );
  }
  return parts.join('\n');
}

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
