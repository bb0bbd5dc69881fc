// The detector bench's timing process: the built detector (dist/, as `npm start` runs it) in
// plain `node`, not under the bench's TypeScript loader, which makes the same scans 15–30 %
// dearer in CPU (docs/performance.md). Reads its cases as JSON on stdin, writes the best CPU
// and wall time of each text as JSON on stdout. Plain CommonJS: no build step of its own.
'use strict';
const { join } = require('node:path');
const { ContentDetector } = require(join(__dirname, '..', '..', 'dist', 'libs', 'detector', 'src'));

function fill(unit, size) {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Best of `runs` for each size, the sizes interleaved so machine noise hits both alike. */
function time(detector, texts, channel, options, runs) {
  const best = texts.map(() => ({ cpu: Number.POSITIVE_INFINITY, wall: Number.POSITIVE_INFINITY }));
  for (let run = 0; run < runs; run += 1) {
    texts.forEach((text, index) => {
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      detector.scan(text, channel, options);
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const used = process.cpuUsage(cpu);
      best[index].cpu = Math.min(best[index].cpu, (used.user + used.system) / 1000);
      best[index].wall = Math.min(best[index].wall, wall);
    });
  }
  return best;
}

function main(input) {
  const { selfTargets, runs, warmUp, cases } = JSON.parse(input);
  const detector = new ContentDetector({ selfTargets });
  detector.scan(fill(warmUp.unit, warmUp.size), 'llm-answer');
  const timings = cases.map(({ unit, sizes, channel, options }) =>
    time(
      detector,
      sizes.map((size) => fill(unit, size)),
      channel,
      options,
      runs,
    ),
  );
  process.stdout.write(JSON.stringify(timings));
}

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => main(Buffer.concat(chunks).toString('utf8')));
