import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathProblem } from './path-check';

describe('pathProblem (IV4, MCP2)', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'path-check-')));
  const root = join(base, 'root');
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'docs', 'a.txt'), 'a');
  writeFileSync(join(base, 'outside.txt'), 'o');
  symlinkSync(join(base, 'outside.txt'), join(root, 'link.txt'));

  it('accepts paths inside the roots, absolute or relative', () => {
    expect(pathProblem(join(root, 'docs', 'a.txt'), [root])).toBeUndefined();
    expect(pathProblem('docs/a.txt', [root])).toBeUndefined();
    expect(pathProblem(root, [root])).toBeUndefined();
    expect(pathProblem(join(root, 'docs', 'not-yet.txt'), [root])).toBeUndefined();
  });

  it('refuses traversal, also encoded, hidden files, home folders and NUL', () => {
    expect(pathProblem('../outside.txt', [root])).toMatch(/traverses/);
    expect(pathProblem(`${root}/docs/../../outside.txt`, [root])).toMatch(/traverses/);
    expect(pathProblem('%2e%2e/outside.txt', [root])).toMatch(/traverses/);
    expect(pathProblem('%252e%252e%252foutside.txt', [root])).toMatch(/traverses/);
    expect(pathProblem('..\\outside.txt', [root])).toMatch(/traverses/);
    expect(pathProblem(join(root, '.env'), [root])).toMatch(/hidden/);
    expect(pathProblem('~/notes', [root])).toMatch(/home/);
    expect(pathProblem('a\u0000b', [root])).toMatch(/NUL/);
  });

  it('refuses what leaves the roots, through a symlink too', () => {
    expect(pathProblem(join(base, 'outside.txt'), [root])).toMatch(/outside/);
    expect(pathProblem('/etc/passwd', [root])).toMatch(/outside/);
    expect(pathProblem(`${root}-sibling/x`, [root])).toMatch(/outside/);
    expect(pathProblem(join(root, 'link.txt'), [root])).toMatch(/outside/);
    expect(pathProblem(`file://${join(base, 'outside.txt')}`, [root])).toMatch(/outside/);
  });

  it('without roots, refuses absolute paths and leaves other URIs to the URI check', () => {
    expect(pathProblem('/etc/passwd', [])).toMatch(/no configured roots/);
    expect(pathProblem('docs/a.txt', [])).toBeUndefined();
    expect(pathProblem('https://example.com/a', [])).toBeUndefined();
  });
});
