// `npm run security:scan` (OPS2): the lint with its security rules, `npm audit
// --audit-level=high` (an unreachable audit service is reported in one line, not a failure),
// and the scan of the built output for eval / new Function / vm / child_process outside the
// stdio MCP launcher and the CLI's git diff. One-screen summary; exit 1 on any finding.
//   --dist DIR   scan this built folder instead of dist/ (built first when dist/ is missing)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { scanBuiltOutput } from './scan-built-output.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const distArg = args.includes('--dist') ? args[args.indexOf('--dist') + 1] : undefined;

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function lint() {
  const eslint = run(process.execPath, [
    'node_modules/eslint/bin/eslint.js',
    '.',
    '--max-warnings',
    '0',
    '--format',
    'json',
  ]);
  let problems = 0;
  const lines = [];
  try {
    for (const file of JSON.parse(eslint.stdout)) {
      for (const m of file.messages) {
        problems += 1;
        lines.push(
          `${file.filePath.replace(`${root}/`, '')}:${m.line}  ${m.ruleId ?? 'error'}  ${m.message}`,
        );
      }
    }
  } catch {
    return { ok: false, summary: `eslint did not run: ${eslint.stderr.split('\n')[0]}`, lines };
  }
  return { ok: problems === 0 && eslint.status === 0, summary: `${problems} problem(s)`, lines };
}

function audit() {
  const npm = run('npm', ['audit', '--audit-level=high', '--json']);
  let report;
  try {
    report = JSON.parse(npm.stdout);
  } catch {
    report = undefined;
  }
  const counts = report?.metadata?.vulnerabilities;
  if (!counts) {
    const why =
      report?.message ?? npm.stderr.split('\n').find((l) => l.includes('error')) ?? 'no answer';
    return {
      ok: true,
      skipped: true,
      summary: `audit service unreachable, skipped (${why.trim()})`,
      lines: [],
    };
  }
  const high = (counts.high ?? 0) + (counts.critical ?? 0);
  const lines = Object.values(report.vulnerabilities ?? {})
    .filter((v) => v.severity === 'high' || v.severity === 'critical')
    .map((v) => `${v.name}  ${v.severity}  ${v.range ?? ''}`);
  return {
    ok: high === 0,
    summary: `${counts.critical ?? 0} critical, ${counts.high ?? 0} high`,
    lines,
  };
}

async function builtOutput() {
  let dist = resolve(distArg ?? resolve(root, 'dist'));
  if (!distArg && !existsSync(dist)) {
    const build = run(process.execPath, ['scripts/build.mjs']);
    if (build.status !== 0) return { ok: false, summary: 'build failed', lines: [build.stderr] };
  }
  if (!existsSync(dist)) return { ok: false, summary: `${dist} does not exist`, lines: [] };
  const { files, findings } = await scanBuiltOutput(dist);
  dist = dist.replace(`${root}/`, '');
  return {
    ok: findings.length === 0,
    summary: `${findings.length} finding(s) in ${files} files of ${dist}`,
    lines: findings.map((f) => `${f.file}:${f.line}  ${f.rule}`),
  };
}

const checks = [
  ['lint (eslint + security rules)', lint()],
  ['npm audit (high and critical)', audit()],
  ['built output (eval, Function, vm, child_process)', await builtOutput()],
];
const MAX_LINES = 8;
process.stdout.write('security scan\n');
for (const [name, result] of checks) {
  const status = result.skipped ? 'SKIP' : result.ok ? 'ok  ' : 'FAIL';
  process.stdout.write(`  ${status}  ${name.padEnd(50)} ${result.summary}\n`);
  for (const line of result.lines.slice(0, MAX_LINES)) process.stdout.write(`          ${line}\n`);
  if (result.lines.length > MAX_LINES) {
    process.stdout.write(`          … and ${result.lines.length - MAX_LINES} more\n`);
  }
}
const failed = checks.filter(([, r]) => !r.ok).length;
process.stdout.write(failed === 0 ? 'result: passed\n' : `result: FAILED (${failed} check(s))\n`);
process.exit(failed === 0 ? 0 : 1);
