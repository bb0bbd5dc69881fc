// Generates the configuration table of docs/configuration.md from .env.example (the documented
// defaults): `node scripts/config-table.mjs` rewrites the block between the config markers;
// `--check` exits 1 when the block is stale. The e2e suite checks .env.example against the
// validated configuration schemas, so the three stay in step.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const START = '<!-- config:start -->';
const END = '<!-- config:end -->';

export function parseEnvExample(text) {
  const rows = [];
  let section = '';
  let comment = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const heading = /^# --- (.+?) ---$/.exec(line);
    if (heading) {
      section = heading[1];
      comment = [];
    } else if (line.startsWith('#')) {
      comment.push(line.replace(/^#\s?/, ''));
    } else if (/^[A-Z0-9_]+=/.test(line)) {
      const [name, ...rest] = line.split('=');
      rows.push({ section, name, value: rest.join('='), description: comment.join(' ') });
      comment = [];
    } else {
      comment = [];
    }
  }
  return rows;
}

export function table(rows) {
  const cell = (s) => s.replace(/\|/g, '\\|');
  const lines = ['| variable | default | section | meaning |', '|---|---|---|---|'];
  for (const r of rows)
    lines.push(
      `| \`${r.name}\` | ${r.value ? `\`${cell(r.value)}\`` : '—'} | ${r.section} | ${cell(r.description)} |`,
    );
  return lines.join('\n');
}

const env = readFileSync(new URL('.env.example', root), 'utf8');
const TARGET = 'docs/configuration.md';
const readme = readFileSync(new URL(TARGET, root), 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < 0) {
  process.stderr.write(`${TARGET} has no ${START} … ${END} block\n`);
  process.exit(1);
}
const next = `${readme.slice(0, start + START.length)}\n${table(parseEnvExample(env))}\n${readme.slice(end)}`;
if (process.argv.includes('--check')) {
  if (next !== readme) {
    process.stderr.write(
      `${TARGET}: the configuration table is stale: run \`npm run docs:config\`\n`,
    );
    process.exit(1);
  }
} else {
  writeFileSync(new URL(TARGET, root), next);
}
