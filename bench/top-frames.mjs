// `node bench/top-frames.mjs <file.cpuprofile> [n] [skip s]`: the heaviest frames of a V8 CPU
// profile, by self time and by inclusive time (each frame counted once per sample), and self
// time by package. `skip s` leaves out the first seconds (start-up) of the profile.
import { readFileSync } from 'node:fs';

const [file, count = '30', skip = '0'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const n = Number(count);
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parents.set(child, node.id);

const frameOf = (id) => {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  return `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
};
const packageOf = (id) => {
  const url = nodes.get(id).callFrame.url;
  const parts = url.split('node_modules/');
  if (parts.length > 1) {
    const [scope, name] = parts[parts.length - 1].split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  if (url.includes('/dist/')) return 'techsapo';
  return url.startsWith('node:') ? url : url ? 'other' : nodes.get(id).callFrame.functionName;
};

const self = new Map();
const inclusive = new Map();
const byPackage = new Map();
let total = 0;
let elapsed = 0;
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  elapsed += us;
  if (elapsed < Number(skip) * 1e6) return;
  total += us;
  add(self, frameOf(id), us);
  add(byPackage, packageOf(id), us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parents.get(at)) {
    const frame = frameOf(at);
    if (!seen.has(frame)) add(inclusive, frame, us);
    seen.add(frame);
  }
});

const print = (title, map) => {
  process.stdout.write(`-- ${title}\n`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}\n`);
};
process.stdout.write(`${(total / 1000).toFixed(0)} ms sampled\n`);
print('self', self);
print('inclusive', new Map([...inclusive].filter(([k]) => !k.startsWith('('))));
print('self by package', byPackage);
