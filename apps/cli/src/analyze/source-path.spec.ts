import { join } from 'node:path';
import { detectorWithRules } from '../../../../test/support/detector-rules';
import type { AssembledContent } from './content';
import { sourcePath } from './source-path';

const cwd = '/work/repo';
const files = (...paths: string[]): AssembledContent => ({
  content: 'x',
  source: 'files',
  files: paths.map((path) => ({ path, text: 'x' })),
});

describe('sourcePath (metadata.source)', () => {
  it.each<[string, AssembledContent, string | undefined]>([
    ['one file', files('libs/a/src/b.ts'), 'libs/a/src/b.ts'],
    ['one file named from the root', files(join(cwd, 'src', 'a.ts')), 'src/a.ts'],
    ['files of one folder', files('src/a.ts', './src/b.ts'), 'src'],
    ['their deepest common folder', files('libs/a/src/x.ts', 'libs/a/test/y.ts'), 'libs/a'],
    ['files with no common folder', files('src/a.ts', 'README.md'), undefined],
    ['a file outside the working directory', files('../other/a.ts'), undefined],
    ['an absolute path elsewhere', files('/etc/hosts'), undefined],
    [
      'the files of a diff',
      { content: 'd', source: 'diff', ref: 'HEAD', files: [{ path: 'apps/cli/a.ts', text: '' }] },
      'apps/cli/a.ts',
    ],
    ['standard input', { content: 'q', source: 'stdin', files: [] }, undefined],
  ])('%s', (_name, content, expected) => {
    expect(sourcePath(content, cwd)).toBe(expected);
  });

  it('is what the server takes as a repository path', () => {
    // The rules a repository path is checked against (the field's own check among them).
    const detector = detectorWithRules([
      'web-injection.path-traversal',
      'web-injection.path-traversal-segment',
      'web-injection.sensitive-file',
    ]);
    for (const content of [
      files('libs/wall-bounce/src/engine/scoring/consensus.ts'),
      files('a/b.ts', 'a/c/d.ts'),
    ]) {
      const path = sourcePath(content, cwd) as string;
      expect(detector.scan(path, 'request-field', { field: 'repository-path' }).verdict).toBe(
        'clean',
      );
    }
  });
});
