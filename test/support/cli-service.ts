import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, login, ROOT, startService, waitForHttp, type RunningProcess } from './processes';
import { removeKeys } from './redis-cleanup';

/** The CLI package's folder and its manifest. */
export const CLI_PACKAGE_DIR = join(ROOT, 'apps', 'cli');
export const cliPackage = (): { name: string; version: string } =>
  JSON.parse(readFileSync(join(CLI_PACKAGE_DIR, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };

/** A `role` API key through the admin API of the running service. */
export async function issueKey(
  url: string,
  admin: { username: string; password: string },
  role: string,
): Promise<string> {
  const accessToken = await login(url, admin);
  const created = await fetch(`${url}/api/v1/admin/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: `cli-e2e-${role}`, role }),
  });
  if (created.status !== 201) throw new Error(`api key: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { key: string }).key;
}

export interface CliService {
  url: string;
  /** An API key of role `ci`. */
  key: string;
  /** The first admin's credentials. */
  admin: { username: string; password: string };
  service: RunningProcess;
  stop(): Promise<void>;
}

/**
 * The settings of a built service run in development with the bundled simulator: its own key
 * prefix and data folder, a known first admin, a fresh signing secret.
 */
export function developmentEnv(
  prefix: string,
  dir: string,
  admin: { username: string; password: string },
): Record<string, string> {
  return {
    NODE_ENV: 'development',
    REDIS_KEY_PREFIX: prefix,
    DATA_DIR: join(dir, 'data'),
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    WALL_BOUNCE_SIMULATOR: 'on',
  };
}

/** The built service with simulated providers, as a CI job's TechSapo, and a `ci` key for it. */
export async function startCliService(env: Record<string, string> = {}): Promise<CliService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'techsapo-cli-service-'));
  const prefix = `cli${port}`;
  const admin = { username: 'admin', password: `admin-${randomBytes(12).toString('hex')}` };
  const service = startService({
    PORT: String(port),
    ...developmentEnv(prefix, dir, admin),
    WALL_BOUNCE_SIMULATOR_LATENCY_MS: '5',
    RATE_LIMIT_BURST: '10000',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_HOUR: '1000000',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    rmSync(dir, { recursive: true, force: true });
    await removeKeys(prefix);
  };
  try {
    await waitForHttp(`${url}/health/ready`, 30000);
    return { url, key: await issueKey(url, admin, 'ci'), admin, service, stop };
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${service.output()}`);
  }
}

/** npm without this repository's settings, its cache in `dir`. */
function npmEnv(dir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_update_notifier: 'false',
  };
}

/** `npm pack apps/cli` into `dir`: the tarball a release would publish. */
export function packCli(dir: string): string {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', CLI_PACKAGE_DIR, '--json', '--pack-destination', dir], {
      cwd: dir,
      env: npmEnv(dir),
      encoding: 'utf8',
    }),
  ) as { filename: string }[];
  return join(dir, packed[0].filename);
}

/**
 * `npm pack apps/cli` and `npm install -g` of the tarball into `prefix`, as a CI job installs
 * the command; returns the tarball and the installed `techsapo`.
 */
export function packAndInstallCli(dir: string): { tarball: string; bin: string; prefix: string } {
  const tarball = packCli(dir);
  const prefix = join(dir, 'prefix');
  execFileSync(
    'npm',
    ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball],
    { cwd: dir, env: npmEnv(dir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { tarball, bin: join(prefix, 'bin', 'techsapo'), prefix };
}
