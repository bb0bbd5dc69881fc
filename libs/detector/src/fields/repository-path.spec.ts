import { normalize } from '../normalize/normalizer';
import { repositoryPathProblem } from './repository-path';

const problem = (path: string) => repositoryPathProblem(path, normalize(path));

describe('repositoryPathProblem', () => {
  it.each([
    'docs/../src/a.ts',
    'src/app.module.ts',
    './README.md',
    'a/b/../../c',
    'docs\\guide.md',
    'My Docs/file.md',
    'src/日本語.ts',
  ])('accepts %s', (path) => expect(problem(path)).toBeUndefined());

  it.each([
    ['../etc/passwd', 'a path that leaves the repository'],
    ['a/../../b', 'a path that leaves the repository'],
    ['a/.../...', 'a path that leaves the repository'],
    ['/etc/passwd', 'an absolute path'],
    ['\\\\server\\share', 'an absolute path'],
    ['~/.ssh/id_rsa', 'an absolute path'],
    ['C:\\Windows', 'a drive or a URL, not a relative path'],
    ['file:///etc/passwd', 'a drive or a URL, not a relative path'],
    ['%2e%2e/x', 'an encoded or look-alike separator'],
    ['docs/..\u2215x', 'an encoded or look-alike separator'],
    ['src/%00.ts', 'control characters'],
  ])('refuses %s: %s', (path, reason) => expect(problem(path)).toBe(reason));
});
