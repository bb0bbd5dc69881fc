import { DockerfileParser, Instruction } from 'dockerfile-ast';
import { load } from 'js-yaml';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisConfig, RedisService } from '@techsapo/core';
import { freePort, ROOT, startService, waitForHttp } from './support/processes';

/**
 * No Docker engine runs here: the Dockerfile's hardening (OPS1, SM1) is checked statically
 * from its syntax tree (dockerfile-ast), and the command it runs is started for real.
 */
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const SENSITIVE = /SECRET|PASSWORD|PASSPHRASE|TOKEN|API_KEY|ENCRYPTION_KEY|HMAC_KEY|PRIVATE_KEY/;

interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const args = instruction.getArguments().map((a) => a.getValue());
    if (instruction.getKeyword() === 'FROM') {
      const as = args.findIndex((a) => a.toUpperCase() === 'AS');
      stages.push({
        image: args[0],
        name: as >= 0 ? args[as + 1] : String(stages.length),
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

const keyword = (i: Instruction) => i.getKeyword();
const content = (i: Instruction) => i.getArgumentsContent() ?? '';
const flag = (i: Instruction, name: string): string | null | undefined => {
  const flags = 'getFlags' in i ? (i as unknown as { getFlags(): FlagLike[] }).getFlags() : [];
  return flags.find((f) => f.getName() === name)?.getValue();
};
interface FlagLike {
  getName(): string;
  getValue(): string | null;
}

/** What `dataDir` is set to by ENV in a stage. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.instructions.filter((x) => keyword(x) === 'ENV')) {
    for (const [, name, value] of content(i).matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)) {
      env[name] = value.replace(/^"|"$/g, '');
    }
  }
  return env;
}

function dockerfileFindings(text: string): string[] {
  const findings: string[] = [];
  const stages = stagesOf(text);
  if (stages.length < 2) findings.push('not a multi-stage build');
  for (const s of stages) {
    const [image, digest] = s.image.split('@');
    const lts =
      /^node:20\b[\w.]*-alpine[\w.]*$/.test(image) ||
      image.startsWith('gcr.io/distroless/nodejs20');
    if (!lts || (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest))) {
      findings.push(`stage ${s.name}: base ${s.image} is not Node 20 LTS on Alpine or distroless`);
    }
    for (const i of s.instructions) {
      if (keyword(i) === 'ADD') findings.push(`stage ${s.name}: ADD (use COPY)`);
      if (['ENV', 'ARG'].includes(keyword(i)) && SENSITIVE.test(content(i))) {
        findings.push(`stage ${s.name}: a secret in ${keyword(i)}`);
      }
    }
  }
  const runtime = stages.at(-1);
  if (!runtime) return [...findings, 'no stages'];
  const runs = (s: Stage) => s.instructions.filter((i) => keyword(i) === 'RUN').map(content);
  const builder = stages.find((s) =>
    runs(s).some((r) => /scripts\/build\.mjs|npm run build/.test(r)),
  );
  if (!builder || builder === runtime) findings.push('the build does not run in a builder stage');
  const prodDeps = stages.find((s) =>
    runs(s).some((r) => /npm ci\b/.test(r) && /--omit=dev/.test(r)),
  );
  if (!prodDeps || prodDeps === runtime) findings.push('no `npm ci --omit=dev` stage');

  const copies = runtime.instructions.filter((i) => keyword(i) === 'COPY');
  const fromStage = (name?: string) => copies.find((c) => name && flag(c, 'from') === name);
  const copied = (stage?: Stage) => (stage ? content(fromStage(stage.name) ?? ({} as never)) : '');
  if (!prodDeps || !/node_modules/.test(copied(prodDeps))) {
    findings.push('the runtime does not take node_modules from the --omit=dev stage');
  }
  if (!builder || !/dist/.test(copied(builder))) {
    findings.push('the runtime does not take dist/ from the builder');
  }
  for (const c of copies) {
    const owner = flag(c, 'chown');
    if (owner !== undefined && !/^(root|0)(:(root|0))?$/.test(owner ?? '')) {
      findings.push(`COPY ${content(c)}: owned by ${owner}, not root`);
    }
    const source = stages.find((s) => s.name === flag(c, 'from'));
    const mode = flag(c, 'chmod');
    const readOnly =
      (mode !== undefined && /^0?[0-7]?[45][45][45]$/.test(mode ?? '')) ||
      (source !== undefined && runs(source).some((r) => /chmod -R a-w/.test(r)));
    if (!readOnly) findings.push(`COPY ${content(c)}: files may be writable`);
  }
  const dataDir = envOf(runtime).DATA_DIR;
  if (!dataDir) findings.push('the runtime sets no DATA_DIR');
  for (const r of runs(runtime)) {
    if (/\bnpm (ci|install|i)\b/.test(r)) findings.push('dependencies installed in the runtime');
    for (const [, target] of r.matchAll(/chown (?:-R )?\S+ (\S+)/g)) {
      if (target !== dataDir) findings.push(`chown of ${target}: only DATA_DIR may be the user's`);
    }
    if (/chmod (?:-R )?(?:0?777|[ao]\+w)/.test(r)) findings.push('world-writable files');
  }
  const users = runtime.instructions.filter((i) => keyword(i) === 'USER');
  const lastUser = users.at(-1);
  if (!lastUser || !/^1001(:1001)?$/.test(content(lastUser))) {
    findings.push('the runtime does not run as uid 1001');
  } else {
    const after = runtime.instructions.slice(runtime.instructions.indexOf(lastUser) + 1);
    if (after.some((i) => ['RUN', 'COPY'].includes(keyword(i)))) {
      findings.push('instructions run after USER 1001 may leave files the user owns');
    }
  }
  const entrypoint = runtime.instructions.filter((i) => keyword(i) === 'ENTRYPOINT').at(-1);
  if (
    !entrypoint ||
    !/^\[\s*"(dumb-init|tini|\/sbin\/tini|\/usr\/bin\/dumb-init)"/.test(content(entrypoint))
  ) {
    findings.push('PID 1 is not dumb-init or tini (exec form)');
  }
  if (!runs(runtime).some((r) => /apk add[^&]*\b(dumb-init|tini)\b/.test(r))) {
    findings.push('dumb-init or tini is not installed');
  }
  const health = runtime.instructions.filter((i) => keyword(i) === 'HEALTHCHECK').at(-1);
  if (!health || !/CMD .*\/health\/(live|ready)/.test(content(health))) {
    findings.push('no HEALTHCHECK on /health');
  }
  const cmd = runtime.instructions.filter((i) => keyword(i) === 'CMD').at(-1);
  const script = /scripts\/[\w-]+\.sh/.exec(cmd ? content(cmd) : '')?.[0];
  if (!script || !copies.some((c) => content(c).includes(script))) {
    findings.push('CMD does not start the copied start script');
  } else {
    const start = readFileSync(join(ROOT, script), 'utf8');
    if (!/node scripts\/runtime-flags\.mjs/.test(start) || !/exec node "\$@"/.test(start)) {
      findings.push(`${script} does not run node with the flags of scripts/runtime-flags.mjs`);
    }
    if (!copies.some((c) => content(c).includes('scripts/runtime-flags.mjs'))) {
      findings.push('scripts/runtime-flags.mjs is not in the image');
    }
  }
  return findings;
}

describe('Dockerfile', () => {
  it('is multi-stage, non-root, read-only, with dumb-init, HEALTHCHECK and the permission flags', () => {
    expect(stagesOf(DOCKERFILE).map((s) => s.name)).toEqual(['builder', 'deps', 'runtime']);
    expect(dockerfileFindings(DOCKERFILE)).toEqual([]);
  });

  it('writes where Kubernetes mounts the writable folder', () => {
    const dataDir = envOf(stagesOf(DOCKERFILE).at(-1)!).DATA_DIR;
    const env = readFileSync(join(ROOT, 'k8s', 'base', 'config', 'production.env'), 'utf8');
    expect(env).toContain(`DATA_DIR=${dataDir}`);
    const api = load(readFileSync(join(ROOT, 'k8s', 'base', 'app', 'api.yaml'), 'utf8')) as {
      spec: { template: { spec: { containers: { volumeMounts: { mountPath: string }[] }[] } } };
    };
    const mounts = api.spec.template.spec.containers[0].volumeMounts.map((m) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining([dataDir, '/tmp']));
  });

  it('.dockerignore keeps dependencies, build output, data and secrets out of the context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining(['**/node_modules', 'dist', '.data', '.git', '.env', '.env.*']),
    );
  });

  it('finds what breaks the hardening', () => {
    const without = (pattern: RegExp) => DOCKERFILE.replace(pattern, '');
    expect(dockerfileFindings(without(/^USER .*$/m))).toEqual([
      'the runtime does not run as uid 1001',
    ]);
    expect(
      dockerfileFindings(
        DOCKERFILE.replace('FROM node:20-alpine AS runtime', 'FROM node:latest AS runtime'),
      ),
    ).toEqual(['stage runtime: base node:latest is not Node 20 LTS on Alpine or distroless']);
    expect(
      dockerfileFindings(
        DOCKERFILE.replace(
          '--chown=root:root --chmod=0444 package.json',
          '--chown=1001:1001 package.json',
        ),
      ),
    ).toEqual([
      'COPY package.json ./: owned by 1001:1001, not root',
      'COPY package.json ./: files may be writable',
    ]);
    expect(
      dockerfileFindings(DOCKERFILE.replace(' \\\n && chmod -R a-w node_modules', '')),
    ).toEqual(['COPY /src/node_modules ./node_modules: files may be writable']);
    expect(dockerfileFindings(DOCKERFILE.replace('ENTRYPOINT ["dumb-init", "--"]', ''))).toEqual([
      'PID 1 is not dumb-init or tini (exec form)',
    ]);
    expect(dockerfileFindings(without(/^HEALTHCHECK[^]*?\|\| exit 1$/m))).toEqual([
      'no HEALTHCHECK on /health',
    ]);
    expect(dockerfileFindings(DOCKERFILE.replace('--omit=dev ', ''))).toEqual([
      'no `npm ci --omit=dev` stage',
      'the runtime does not take node_modules from the --omit=dev stage',
    ]);
  });

  describe('its command (needs `npm run build`)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'techsapo-container-'));
    let prefix = '';
    afterAll(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const redis = new RedisService(redisConfig.read(process.env));
      await redis.deleteMatching(`${prefix}:*`);
      await redis.onApplicationShutdown();
    });

    it('starts the service under the permission model and stops on SIGTERM', async () => {
      const port = await freePort();
      prefix = `container${port}`;
      // The command as the image's CMD runs it.
      const service = startService(
        {
          PORT: String(port),
          HOST: '127.0.0.1',
          ROLE: 'api',
          DATA_DIR: dataDir,
          NODE_ENV: 'development',
          REDIS_KEY_PREFIX: prefix,
          LOG_LEVEL: 'warn',
        },
        [join(ROOT, 'scripts', 'container-start.sh')],
        'sh',
      );
      try {
        await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 30000);
        expect(service.output()).toMatch(
          /permission model \(--(experimental-)?permission\): reads anywhere; writes only to/,
        );
        service.child.kill('SIGTERM');
        expect(await service.exited).toBe(0);
        expect(service.output()).toContain('shutdown complete');
      } finally {
        service.child.kill('SIGKILL');
      }
    });
  });
});
