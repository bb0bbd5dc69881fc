// The built service as `npm start` runs it (permission-model flags from scripts/runtime-flags.mjs),
// for the benchmark sections: rate limits raised so that they count requests without refusing
// the benchmark's, a bootstrap admin to sign in with, its keys removed afterwards.
import { RedisService, redisConfig } from '@techsapo/core';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  freePort,
  MAIN,
  ROOT,
  RunningProcess,
  runtimeFlags,
  startService,
  waitForHttp,
} from '../test/support/processes';

export interface BenchService {
  base: string;
  process: RunningProcess;
  /** A bearer token of the bootstrap admin, signed in over HTTP. */
  signIn(): Promise<string>;
  stop(): Promise<void>;
}

let built = false;

/** `npm run build` once per benchmark run. */
export function buildOnce(): void {
  if (built) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  built = true;
}

export interface BenchServiceOptions {
  /** Node flags added before the entry point (a profiler's, say). */
  flags?: string[];
  /** false: without `npm start`'s permission-model flags. */
  permissionModel?: boolean;
}

export async function startBenchService(
  env: Record<string, string> = {},
  options: BenchServiceOptions = {},
): Promise<BenchService> {
  buildOnce();
  const port = await freePort();
  const prefix = `bench${port}`;
  const password = randomBytes(16).toString('hex');
  const service = startService(
    {
      PORT: String(port),
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      REDIS_KEY_PREFIX: prefix,
      ADMIN_USERNAME: 'bench',
      ADMIN_PASSWORD: password,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      RATE_LIMIT_BURST: '1000000',
      RATE_LIMIT_PER_MINUTE: '10000000',
      RATE_LIMIT_PER_HOUR: '100000000',
      ...env,
    },
    [
      ...(options.permissionModel === false ? [] : runtimeFlags(env)),
      ...(options.flags ?? []),
      MAIN,
    ],
  );
  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (service.child.exitCode === null) service.child.kill('SIGTERM');
    await service.exited;
    const redis = new RedisService(redisConfig.read({ ...process.env, REDIS_KEY_PREFIX: prefix }));
    await redis.deleteMatching(`${prefix}*`);
    await redis.onApplicationShutdown();
  };
  try {
    await waitForHttp(`${base}/health/ready`, 60000);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${service.output()}`);
  }
  return {
    base,
    process: service,
    stop,
    async signIn() {
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bench', password }),
      });
      if (!res.ok) throw new Error(`bench sign-in failed: ${res.status}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    },
  };
}
