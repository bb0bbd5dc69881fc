/** What every bench/sections/*.bench.ts exports as its default async function's result. */
export interface BenchGoal {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

export interface BenchSection {
  title: string;
  rows: Record<string, string | number>[];
  /** Lines printed under the table (per-round figures, say). */
  notes?: string[];
  goals?: BenchGoal[];
}

export function table(rows: Record<string, string | number>[]): string {
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

/** A section as `npm run bench` prints it: title, table, then each goal met or not. */
export function render(section: BenchSection): string {
  const parts = [`\n== ${section.title} ==`, table(section.rows)];
  for (const note of section.notes ?? []) parts.push(`  ${note}`);
  for (const goal of section.goals ?? []) {
    parts.push(
      `  goal ${goal.met ? 'met    ' : 'NOT met'}  ${goal.name}: target ${goal.target}, actual ${goal.actual}`,
    );
  }
  return parts.join('\n');
}
