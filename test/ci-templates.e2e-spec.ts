import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { packCli, startCliService, type CliService } from './support/cli-service';
import { ROOT } from './support/processes';

interface ActionStep {
  name: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: ActionStep[] };
}
interface GitLabJob {
  variables: Record<string, string>;
  script: string[];
  artifacts: { when: string; paths: string[] };
}

const action = load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const gitlab = load(readFileSync(join(ROOT, 'ci', 'techsapo.gitlab-ci.yml'), 'utf8')) as Record<
  string,
  GitLabJob
>;

/** A run of bash as the runners start it (`bash --noprofile --norc -eo pipefail`). */
function bash(script: string, cwd: string, env: Record<string, string>) {
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env,
    encoding: 'utf8',
  });
}

/**
 * The few expressions the action uses: `${{ inputs.x }}`, `${{ steps.analyze.outputs.x }}`,
 * and conditions `a == 'v'` / `a != 'v'` joined by `&&` (an absent output is '').
 */
function evaluate(expression: string, context: Record<string, string>): string {
  return expression.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => context[name] ?? '');
}
function condition(expression: string, context: Record<string, string>): boolean {
  return expression.split('&&').every((part) => {
    const m = /^\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*$/.exec(part);
    if (!m) throw new Error(`expression not understood: ${part}`);
    const value = context[m[1]] ?? '';
    return m[2] === '==' ? value === m[3] : value !== m[3];
  });
}

describe('the GitHub Action and the GitLab template, their commands run as written', () => {
  let dir: string;
  let tarball: string;
  let running: CliService;
  let origin: string;
  let clone: string;

  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        GIT_AUTHOR_NAME: 'ci',
        GIT_AUTHOR_EMAIL: 'ci@example.com',
        GIT_COMMITTER_NAME: 'ci',
        GIT_COMMITTER_EMAIL: 'ci@example.com',
      },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'techsapo-ci-'));
    tarball = packCli(dir);
    running = await startCliService();
    // A repository with main on its remote and a pull request branch: a code change and a
    // lock file rewrite over 1 MiB.
    origin = join(dir, 'origin.git');
    clone = join(dir, 'work');
    git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
    git(dir, 'clone', '-q', origin, clone);
    writeFileSync(join(clone, 'cache.ts'), 'export const ttl = 60;\n');
    writeFileSync(join(clone, 'package-lock.json'), '{}\n');
    git(clone, 'add', '.');
    git(clone, 'commit', '-q', '-m', 'main');
    git(clone, 'push', '-q', 'origin', 'HEAD:main');
    git(clone, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(clone, 'cache.ts'), 'export const ttl = 3600; // keep entries an hour\n');
    writeFileSync(join(clone, 'package-lock.json'), `${'{"x":1}\n'.repeat(200_000)}`);
    git(clone, 'commit', '-q', '-am', 'feature');
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('action.yml (composite)', () => {
    it('declares the inputs the issue asks for, and runs in bash', () => {
      expect(action.runs.using).toBe('composite');
      expect(Object.keys(action.inputs)).toEqual(
        expect.arrayContaining([
          'url',
          'key',
          'mode',
          'paths',
          'exclude',
          'min-consensus',
          'fail-on-degraded',
        ]),
      );
      for (const step of action.runs.steps.filter((s) => s.run)) expect(step.shell).toBe('bash');
    });

    /** Every step of the action, with the given inputs; what a runner would do. */
    function runAction(inputs: Record<string, string>, prefix: string) {
      const context: Record<string, string> = {};
      for (const [name, input] of Object.entries(action.inputs))
        context[`inputs.${name}`] = inputs[name] ?? input.default ?? '';
      const log: { step: string; status: number | null; ran: boolean }[] = [];
      for (const step of action.runs.steps) {
        if (step.if && !condition(step.if, context)) {
          log.push({ step: step.name, status: null, ran: false });
          continue;
        }
        if (step.uses) {
          // The upload: what it would upload must be a SARIF file.
          const file = join(clone, context['steps.analyze.outputs.sarif-file']);
          expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: '2.1.0' });
          log.push({ step: step.name, status: 0, ran: true });
          continue;
        }
        const output = join(dir, `output-${log.length}`);
        writeFileSync(output, '');
        const env = Object.fromEntries(
          Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v, context)]),
        );
        const run = bash(step.run as string, clone, {
          PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
          HOME: dir,
          npm_config_prefix: prefix,
          npm_config_cache: join(dir, 'npm-cache'),
          GITHUB_OUTPUT: output,
          GITHUB_BASE_REF: 'main',
          ...env,
        });
        if (run.status !== 0 && step.id !== undefined)
          throw new Error(`${step.name}: ${run.stderr}`);
        for (const line of readFileSync(output, 'utf8').split('\n').filter(Boolean)) {
          const [name, ...value] = line.split('=');
          context[`steps.${step.id}.outputs.${name}`] = value.join('=');
        }
        log.push({ step: step.name, status: run.status, ran: true });
      }
      return { context, log };
    }

    let prefix: string;
    beforeAll(() => {
      prefix = join(dir, 'gh-prefix');
      mkdirSync(prefix);
    });
    const inputs = (extra: Record<string, string> = {}) => ({
      url: running.url,
      key: running.key,
      'cli-package': tarball,
      ...extra,
    });
    const stepsRun = (log: { step: string; status: number | null; ran: boolean }[]) =>
      Object.fromEntries(log.map((l) => [l.step, l.ran ? l.status : 'skipped']));

    it('a pull request with a lock file excluded: SARIF written and uploaded, the job passes', () => {
      const { context, log } = runAction(
        inputs({ exclude: 'package-lock.json', 'min-consensus': '0' }),
        prefix,
      );
      expect(context['steps.analyze.outputs.exit-code']).toBe('0');
      expect(context['steps.analyze.outputs.sarif-file']).toBe('techsapo.sarif');
      expect(stepsRun(log)).toEqual({
        'Install the TechSapo CLI': 0,
        'Analyse the diff': 0,
        'Upload to code scanning': 0,
        Gate: 'skipped',
      });
    });

    it('an error exit (the lock file over 1 MiB, then a revoked key): no SARIF, no upload, the job fails', () => {
      for (const [extra, code] of [
        [{}, '2'],
        [{ exclude: 'package-lock.json', key: 'tsk_revoked' }, '3'],
      ] as const) {
        rmSync(join(clone, 'techsapo.sarif'), { force: true });
        const { context, log } = runAction(inputs(extra), prefix);
        expect(context['steps.analyze.outputs.exit-code']).toBe(code);
        expect(context['steps.analyze.outputs.sarif-file']).toBeUndefined();
        expect(existsSync(join(clone, 'techsapo.sarif'))).toBe(false);
        expect(stepsRun(log)).toMatchObject({
          'Analyse the diff': 0,
          'Upload to code scanning': 'skipped',
          Gate: 1,
        });
      }
    });

    it('an empty diff: nothing to analyse, exit 0, nothing uploaded, the job passes', () => {
      const { context, log } = runAction(inputs({ base: 'HEAD' }), prefix);
      expect(context['steps.analyze.outputs.exit-code']).toBe('0');
      expect(context['steps.analyze.outputs.sarif-file']).toBeUndefined();
      expect(stepsRun(log)).toMatchObject({
        'Upload to code scanning': 'skipped',
        Gate: 'skipped',
      });
    });
  });

  describe('ci/techsapo.gitlab-ci.yml', () => {
    const job = () => gitlab['.techsapo'];
    let prefix: string;
    beforeAll(() => {
      prefix = join(dir, 'gl-prefix');
      mkdirSync(prefix);
    });

    /** The job's script as the runner runs it: one bash, its variables, the CI/CD ones. */
    function runJob(variables: Record<string, string>) {
      for (const file of job().artifacts.paths) rmSync(join(clone, file), { force: true });
      return bash(job().script.join('\n'), clone, {
        PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
        HOME: dir,
        npm_config_prefix: prefix,
        npm_config_cache: join(dir, 'npm-cache'),
        ...job().variables,
        TECHSAPO_CLI_PACKAGE: tarball,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
        TECHSAPO_URL: running.url,
        TECHSAPO_API_KEY: running.key,
        ...variables,
      });
    }

    it('runs on merge requests, extending the template', () => {
      expect(gitlab.techsapo).toMatchObject({
        extends: '.techsapo',
        rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }],
      });
      expect(job().artifacts).toEqual({ when: 'always', paths: ['techsapo.sarif', 'techsapo.md'] });
    });

    it('a result: SARIF and the Markdown summary kept, the summary in the log, exit 0', () => {
      const run = runJob({ TECHSAPO_EXCLUDE: 'package-lock.json' });
      expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
      expect(JSON.parse(readFileSync(join(clone, 'techsapo.sarif'), 'utf8'))).toMatchObject({
        version: '2.1.0',
      });
      expect(readFileSync(join(clone, 'techsapo.md'), 'utf8')).toContain('## Answer');
      expect(run.stdout).toContain('## Answer');
      expect(run.stdout).toContain('techsapo analyze exited 0');
    });

    it('an error exit: the job fails with the CLI exit code and keeps no SARIF', () => {
      const run = runJob({
        TECHSAPO_EXCLUDE: 'package-lock.json',
        TECHSAPO_API_KEY: 'tsk_revoked',
      });
      expect(run.status).toBe(3);
      expect(existsSync(join(clone, 'techsapo.sarif'))).toBe(false);
      expect(run.stderr).toMatch(/techsapo: error: 401 not authenticated/);
    });

    it('an empty diff: nothing to analyse, exit 0', () => {
      // The merge request's target is where the branch already is.
      git(clone, 'push', '-q', 'origin', 'feature');
      const run = runJob({ CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'feature' });
      expect(run.status).toBe(0);
      expect(existsSync(join(clone, 'techsapo.sarif'))).toBe(false);
      expect(run.stderr).toContain('nothing to analyse');
    });
  });
});
