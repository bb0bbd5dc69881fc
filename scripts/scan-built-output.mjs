// Scans the built output (dist/ or the folder given) for code that evaluates strings or starts
// processes: eval, new Function / Function('…'), vm, child_process. child_process is allowed
// only in the stdio MCP launcher and the CLI's `git diff`. Prints one line per finding; exits 1 when there is any.
// The patterns run on our own compiled files, never on untrusted input.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

export const ALLOWED_CHILD_PROCESS = [
  'libs/mcp-proxy/src/upstream/stdio-launcher.js',
  'apps/cli/src/analyze/git-diff.js',
];

const RULES = [
  { name: 'eval', pattern: /(?<![\w$.])eval\s*\(/ },
  { name: 'new Function', pattern: /\bnew\s+Function\s*\(/ },
  { name: 'Function constructor', pattern: /(?<![\w$.])Function\s*\(\s*["'`]/ },
  { name: 'vm', pattern: /require\(\s*["'`](node:)?vm["'`]\s*\)/ },
  { name: 'child_process', pattern: /child_process/, allowedIn: ALLOWED_CHILD_PROCESS },
];

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (/\.(c|m)?js$/.test(entry.name)) yield path;
  }
}

export async function scanBuiltOutput(root) {
  const findings = [];
  let files = 0;
  for await (const file of walk(root)) {
    files += 1;
    const rel = relative(root, file).split(sep).join('/');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, index) => {
      for (const rule of RULES) {
        if (rule.allowedIn?.includes(rel)) continue;
        if (rule.pattern.test(line)) findings.push({ file: rel, line: index + 1, rule: rule.name });
      }
    });
  }
  return { files, findings };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(process.argv[2] ?? 'dist');
  scanBuiltOutput(root).then(
    ({ files, findings }) => {
      for (const f of findings) process.stdout.write(`${f.file}:${f.line}  ${f.rule}\n`);
      process.stdout.write(
        `built-output scan: ${files} files in ${root}, ${findings.length} finding(s)\n`,
      );
      process.exit(findings.length > 0 ? 1 : 0);
    },
    (error) => {
      process.stderr.write(`built-output scan failed: ${error.message}\n`);
      process.exit(2);
    },
  );
}
