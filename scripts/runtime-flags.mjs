// Prints, one per line, the Node flags that run TechSapo read-only under Node's permission
// model (S0/SM1): reads anywhere, writes only to DATA_DIR and the temp folder, no child
// processes or worker threads — unless MCP_CONFIG names a stdio upstream, which is the opt-in
// for child processes. `npm start` (scripts/start.sh) and the container use it; a summary goes
// to stderr so the start-up log says what was allowed and why.
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

if (existsSync('.env')) process.loadEnvFile('.env');

/** Node 22+ names it --permission; Node 20 only knows --experimental-permission. */
export function permissionFlag(flags = process.allowedNodeEnvironmentFlags) {
  return flags.has('--permission') ? '--permission' : '--experimental-permission';
}

/** Whether an MCP configuration (JSON or YAML text) lists an upstream with transport stdio. */
export function namesStdioUpstream(text, format) {
  const config = format === 'json' ? JSON.parse(text) : yaml.load(text);
  const servers = Array.isArray(config?.servers) ? config.servers : [];
  return servers.some((server) => server?.transport === 'stdio');
}

function stdioOptIn(path) {
  if (!path) return { allowed: false, why: 'MCP_CONFIG not set' };
  try {
    const text = readFileSync(path, 'utf8');
    const format = extname(path) === '.json' ? 'json' : 'yaml';
    return namesStdioUpstream(text, format)
      ? { allowed: true, why: `MCP_CONFIG (${path}) names a stdio upstream` }
      : { allowed: false, why: `MCP_CONFIG (${path}) names no stdio upstream` };
  } catch (error) {
    return { allowed: false, why: `MCP_CONFIG (${path}) unreadable: ${error.message}` };
  }
}

/**
 * V8's heap sized for a small resident set (the goal: each role ≤ 200 MB RSS under the stress
 * load): a young generation of 4 MB semi-spaces instead of up to 16 MB (32 MB reserved), and a
 * major collection once the old generation grows 50% past what survived the last one, instead
 * of V8's up to 4x (by default, with a 4 GB limit, the garbage of a busy minute stays mapped
 * until the old generation reaches 3-4x its live size). Nothing is capped: the heap limit is
 * unchanged, only garbage is collected sooner. 2 MB and 20% keep less still but cost a third of
 * the throughput at saturation; these cost none beyond noise. Figures: docs/performance.md.
 */
export const HEAP_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=50'];

/**
 * The worker's: a major collection at 30% growth. Its stress peak is mostly its old
 * generation's garbage between collections (50-60 MB survive each); at 30% its peaks were
 * 189-207 MB against 204-221 MB at 50%, for 16-20 ms of CPU per analysis against 14-18, work
 * that no request waits on. Figures: docs/performance.md.
 */
export const WORKER_HEAP_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=30'];

/** The heap flags of a process role (ROLE). */
export function heapFlags(role) {
  return role === 'worker' ? WORKER_HEAP_FLAGS : HEAP_FLAGS;
}

export function runtimeFlags(env = process.env) {
  const data = resolve(env.DATA_DIR || '.data');
  mkdirSync(data, { recursive: true });
  // The temp folder is writable too, unless the code itself lives in it (a checkout under
  // /tmp): the code folder is never writable.
  const temp = realpathSync(tmpdir());
  const code = realpathSync(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
  const writable = [realpathSync(data)];
  if (!`${code}${sep}`.startsWith(`${temp}${sep}`)) writable.push(temp);
  const flags = [
    permissionFlag(),
    '--allow-fs-read=*',
    ...writable.map((folder) => `--allow-fs-write=${folder}`),
    ...heapFlags(env.ROLE),
  ];
  const stdio = stdioOptIn(env.MCP_CONFIG);
  if (stdio.allowed) flags.push('--allow-child-process', '--allow-worker');
  const summary =
    `permission model (${flags[0]}): reads anywhere; writes only to ${writable.join(' and ')}; ` +
    `child processes and workers ${stdio.allowed ? 'ALLOWED' : 'denied'} (${stdio.why}); ` +
    `heap (role ${env.ROLE || 'all'}): ${heapFlags(env.ROLE).join(' ')}`;
  return { flags, summary };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { flags, summary } = runtimeFlags();
  process.stderr.write(`${summary}\n`);
  process.stdout.write(`${flags.join('\n')}\n`);
}
