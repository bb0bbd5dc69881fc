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
  goals?: BenchGoal[];
}
