// `npm run bench:profile -- <out dir> [path…]`: the built service as `npm start` runs it
// (permission model, source maps) under autocannon load, profiled with V8's sampling profiler.
// The permission model does not let `--cpu-prof` write its file, so the service runs with
// `--prof` and the log is turned into a .cpuprofile (speedscope, Chrome DevTools) by
// `node --prof-process --preprocess` (v8.json, for speedscope), its summary in v8.txt.
// PROFILE_CPU=1 runs without the permission model and writes a .cpuprofile directly;
// bench/top-frames.mjs prints a .cpuprofile's heaviest frames. PROFILE_CONNECTIONS sets the
// load's connections (16 by default; 1 profiles requests one at a time).
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startBenchService } from './bench-service';

const CONNECTIONS = Number(process.env.PROFILE_CONNECTIONS ?? 16);
const DURATION_S = 10;

async function main(): Promise<void> {
  const [dirArg = 'bench/results/profile', ...args] = process.argv.slice(2);
  const dir = resolve(dirArg);
  const paths = args.length > 0 ? args : ['/health/live', '/api/v1/auth/me'];
  mkdirSync(dir, { recursive: true });
  const cpuProfile = process.env.PROFILE_CPU === '1';
  const log = `${dir}/v8.log`;
  const service = await startBenchService(
    {},
    cpuProfile
      ? { permissionModel: false, flags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] }
      : { flags: ['--prof', '--no-logfile-per-isolate', `--logfile=${log}`] },
  );
  try {
    const authorization = `Bearer ${await service.signIn()}`;
    for (const path of paths) {
      const result = await autocannon({
        url: `${service.base}${path}`,
        connections: CONNECTIONS,
        duration: DURATION_S,
        headers: { authorization },
      });
      process.stdout.write(
        `${path}: ${Math.round(result.requests.average)} req/s, ${result.non2xx} non-2xx\n`,
      );
    }
  } finally {
    await service.stop();
  }
  if (!cpuProfile) {
    const processed = execFileSync(process.execPath, ['--prof-process', '--preprocess', log], {
      maxBuffer: 1 << 30,
    });
    writeFileSync(`${dir}/v8.json`, processed);
    const summary = execFileSync(process.execPath, ['--prof-process', log], {
      maxBuffer: 1 << 30,
    });
    writeFileSync(`${dir}/v8.txt`, summary);
  }
  process.stdout.write(`profile written to ${dir}\n`);
}

void main();
