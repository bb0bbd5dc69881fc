import { filesOfDiff } from './diff';

describe('filesOfDiff', () => {
  it('keeps the added lines of each file with their new line numbers', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1111111..2222222 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -1,3 +1,4 @@',
      ' keep',
      '-old',
      '+new one',
      '++counter;',
      ' tail',
      '@@ -20 +21,2 @@ function x() {',
      '+later',
      '\\ No newline at end of file',
      'diff --git a/gone.ts b/gone.ts',
      'deleted file mode 100644',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      'diff --git a/old name.ts b/new name.ts',
      'similarity index 90%',
      'rename from old name.ts',
      'rename to new name.ts',
      '--- a/old name.ts',
      '+++ b/new name.ts',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      'diff --git a/img.png b/img.png',
      'Binary files a/img.png and b/img.png differ',
    ].join('\n');
    expect(filesOfDiff(diff)).toEqual([
      { path: 'src/a.ts', text: 'new one\n+counter;\nlater', lines: [2, 3, 21] },
      { path: 'new name.ts', text: 'b', lines: [1] },
    ]);
  });

  it('finds nothing in text that is not a diff', () => {
    expect(filesOfDiff('+ not a diff\n')).toEqual([]);
  });
});
