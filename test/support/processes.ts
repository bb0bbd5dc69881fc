import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

export const ROOT = join(__dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');

/** The Node flags `npm start` gives the service in this environment (scripts/runtime-flags.mjs). */
export function runtimeFlags(env: Record<string, string> = {}): string[] {
  return execFileSync(process.execPath, [join(ROOT, 'scripts', 'runtime-flags.mjs')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .split('\n')
    .filter(Boolean);
}

/** The C allocator's settings `npm start` gives the service (scripts/runtime-memory.env). */
export function runtimeEnv(): Record<string, string> {
  const parsed = parseEnv(readFileSync(join(ROOT, 'scripts', 'runtime-memory.env'), 'utf8'));
  return Object.fromEntries(
    Object.entries(parsed).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

/**
 * Loopback ports handed out for a service to bind later: drawn from 23000–29999, below the
 * kernel's ephemeral range (32768+), so no server listening on port 0 and no outgoing
 * connection takes one between this check and the service's own bind (a child process needs
 * seconds to start); and above the test Redis cluster's ports (scripts/redis-cluster.sh).
 */
const PORT_RANGE = { low: 23000, high: 29999 };
const handedOut = new Set<number>();

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const span = PORT_RANGE.high - PORT_RANGE.low + 1;
  for (let tries = 0; tries < 200; tries++) {
    const port = PORT_RANGE.low + Math.floor(Math.random() * span);
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.low}–${PORT_RANGE.high}`);
}

/**
 * Fresh secrets strong enough for any profile (production's checks included): instances given
 * the same ones agree on tokens, the audit chain and encrypted data.
 */
export function serviceSecrets(): {
  JWT_SECRET: string;
  AUDIT_HMAC_KEY: string;
  DATA_ENCRYPTION_KEY: string;
} {
  return {
    JWT_SECRET: randomBytes(48).toString('base64url'),
    AUDIT_HMAC_KEY: randomBytes(48).toString('base64url'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Every service this test file started with its REDIS_KEY_PREFIX, for remove-service-keys.ts. */
export const startedServices: { prefix: string; process: RunningProcess }[] = [];

/**
 * Starts the built service (dist/) as a separate process, the way `npm start` runs it; or
 * another `command` (e.g. `sh scripts/container-start.sh`, the container's command).
 */
export function startService(
  env: Record<string, string>,
  args: string[] = [MAIN],
  command: string = process.execPath,
): RunningProcess {
  let output = '';
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES ?? '',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const running = { child, output: () => output, exited };
  if (env.REDIS_KEY_PREFIX)
    startedServices.push({ prefix: env.REDIS_KEY_PREFIX, process: running });
  return running;
}

/** Signs in over HTTP to a running service; its access token (throws unless 200). */
export async function login(
  url: string,
  credentials: { username: string; password: string },
): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function waitForHttp(url: string, timeoutMs = 20000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return response;
      lastError = new Error(`status ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 2xx within ${timeoutMs} ms: ${String(lastError)}`);
}
