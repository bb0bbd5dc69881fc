import { transformSync } from '@swc/core';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './support/processes';

/** Built by `npm run build`, as main.ts runs it. */
const STACK_TRACES = join(ROOT, 'dist', 'apps', 'api', 'src', 'bootstrap', 'stack-traces.js');

const SOURCE = [
  'export function fail(): never {',
  '  const reason: string = "on purpose";',
  '  throw new Error(reason);',
  '}',
  '',
].join('\n');

describe('stack traces of the built service (mapped on demand)', () => {
  let dir: string;

  beforeAll(() => {
    // A built file and its map beside it, compiled as scripts/build.mjs compiles the service.
    dir = mkdtempSync(join(tmpdir(), 'stack-traces-'));
    const built = transformSync(SOURCE, {
      filename: join(dir, 'fail.ts'),
      sourceMaps: true,
      module: { type: 'commonjs' },
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    });
    writeFileSync(join(dir, 'fail.js'), `${built.code}\n//# sourceMappingURL=fail.js.map\n`);
    writeFileSync(join(dir, 'fail.js.map'), built.map as string);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The stack of the fixture's error in a fresh Node process, with `setup` run first. */
  const stackOf = (setup: string, flags: string[] = []): string[] => {
    const script = `${setup}; try { require(${JSON.stringify(join(dir, 'fail.js'))}).fail(); } catch (error) { process.stdout.write(error.stack); }`;
    const run = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return run.stdout.split('\n');
  };
  const install = (root: string): string =>
    `require(${JSON.stringify(STACK_TRACES)}).mapStackTracesOnDemand(${JSON.stringify(root)})`;

  it('prints a built file’s frames as node --enable-source-maps does: the TypeScript source’s line', () => {
    const mapped = stackOf(install(dir));
    const node = stackOf('', ['--enable-source-maps']);
    expect(mapped[0]).toBe('Error: on purpose');
    expect(mapped[1]).toBe(`    at Object.fail (${join(dir, 'fail.ts')}:3:9)`);
    expect(mapped.slice(0, 2)).toEqual(node.slice(0, 2));
  });

  it('leaves the frames of files outside the root as Node prints them', () => {
    const unmapped = stackOf(install(join(dir, 'elsewhere')));
    expect(unmapped.slice(0, 2)).toEqual(stackOf('').slice(0, 2));
    expect(unmapped[1]).toMatch(/fail\.js:\d+:\d+\)$/);
  });
});
