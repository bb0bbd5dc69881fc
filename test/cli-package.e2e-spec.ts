import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cliPackage,
  packAndInstallCli,
  startCliService,
  type CliService,
} from './support/cli-service';

/**
 * @techsapo/cli as a CI job gets it: `npm pack`, `npm install -g` into a prefix of its own
 * (no repository, no `npm ci`), then `techsapo analyze` against a running TechSapo.
 */
describe('the @techsapo/cli package (npm pack, npm install -g, run)', () => {
  let dir: string;
  let installed: ReturnType<typeof packAndInstallCli>;
  let running: CliService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'techsapo-cli-package-'));
    installed = packAndInstallCli(dir);
    running = await startCliService();
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const techsapo = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(installed.bin, args, {
      cwd: dir,
      encoding: 'utf8',
      // A CI runner's PATH, and nothing of this repository's node_modules.
      env: { PATH: process.env.PATH ?? '', ...env },
    });

  it('the tarball holds the bundle, its manifest and README; the install pulls no dependency', () => {
    const listing = execFileSync('tar', ['-tzf', installed.tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .sort();
    expect(listing).toEqual([
      'package/README.md',
      'package/dist/techsapo.js',
      'package/package.json',
    ]);
    const home = join(installed.prefix, 'lib', 'node_modules', '@techsapo', 'cli');
    expect(existsSync(join(home, 'dist', 'techsapo.js'))).toBe(true);
    expect(existsSync(join(home, 'node_modules'))).toBe(false);
  });

  it('techsapo --version is the package version', () => {
    const run = techsapo(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(cliPackage().version);
  });

  it('analyze against the running server: the completed analysis, exit 0; SARIF into a file', () => {
    const file = join(dir, 'cache.ts');
    writeFileSync(file, 'export const ttl = 60; // how long should Redis keep this?\n');
    const env = { TECHSAPO_URL: running.url, TECHSAPO_API_KEY: running.key };
    const run = techsapo(['analyze', 'cache.ts', '--no-cache', '--wait', '40', '--quiet'], env);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', mode: 'parallel' });
    const sarif = techsapo(
      ['analyze', 'cache.ts', '--format', 'sarif', '--output', 'techsapo.sarif', '--quiet'],
      env,
    );
    expect(sarif.status).toBe(0);
    expect(sarif.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'techsapo.sarif'), 'utf8'))).toMatchObject({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'techsapo', version: cliPackage().version } } }],
    });
  });

  it('scan works offline from the package alone', () => {
    const run = spawnSync(installed.bin, ['scan', '--channel', 'llm-answer', '-'], {
      input: "fs.writeFileSync(__filename, '');",
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'block' });
  });
});
