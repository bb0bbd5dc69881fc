// Seed 000's load scenarios (SC1) against one API process and one worker, 15 s each; the
// longer run is `npm run load` (bench/load.ts, 60 s each by default).
import type { BenchSection } from '../bench-section';
import { runLoad } from '../load';

export default async function load(): Promise<BenchSection> {
  const { title, rows, goals } = await runLoad({ durationS: 15 });
  return { title, rows, goals };
}
