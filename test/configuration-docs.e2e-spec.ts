import { getMetadataStorage } from 'class-validator';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_NAMESPACES } from '../apps/api/src/config';

const ROOT = join(__dirname, '..');

/** Every variable the service validates is documented, with its default, in one table. */
describe('configuration documentation', () => {
  const documented = new Set(
    readFileSync(join(ROOT, '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined),
  );

  it('documents every validated variable in .env.example', () => {
    const variables = new Set<string>();
    for (const ns of CONFIG_NAMESPACES) {
      for (const name of Object.keys(new ns.schema())) variables.add(name);
      for (const m of getMetadataStorage().getTargetValidationMetadatas(ns.schema, '', true, false))
        variables.add(m.propertyName);
    }
    expect(variables.size).toBeGreaterThan(10);
    expect([...variables].filter((v) => !documented.has(v))).toEqual([]);
  });

  it('keeps the configuration table of docs/configuration.md generated from .env.example', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/config-table.mjs', '--check'], {
        cwd: ROOT,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });
});
