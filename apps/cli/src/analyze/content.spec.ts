import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { UsageError } from '../errors';
import { decodeText, readStdin } from '../input/text-input';
import { assembleContent, fileHeader, isNothing, MAX_CONTENT_BYTES } from './content';

describe('content assembly', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'techsapo-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, data: string | Buffer) => {
    writeFileSync(join(dir, name), data);
    return name;
  };
  const assemble = (
    files: string[],
    extra: { diff?: string; stdin?: Buffer; exclude?: string[] } = {},
  ) =>
    assembleContent({
      files,
      diff: extra.diff,
      exclude: extra.exclude,
      cwd: dir,
      readStdin: async () => extra.stdin ?? Buffer.alloc(0),
    });
  const refusal = async (promise: Promise<unknown>): Promise<UsageError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).not.toContain('\n');
    return error as UsageError;
  };

  it('puts every file under a header line naming it', async () => {
    write('a.ts', 'const a = 1;\n');
    write('b.py', 'print("b")');
    const result = await assemble(['a.ts', 'b.py']);
    expect(result.source).toBe('files');
    expect(result.content).toBe(
      `${fileHeader('a.ts')}\nconst a = 1;\n\n${fileHeader('b.py')}\nprint("b")\n`,
    );
    expect(result.files.map((f) => f.path)).toEqual(['a.ts', 'b.py']);
  });

  it('reads standard input for - or when no file is named', async () => {
    const stdin = Buffer.from('some question');
    for (const files of [['-'], []]) {
      const result = await assemble(files, { stdin });
      expect(result).toEqual({ content: 'some question', source: 'stdin', files: [] });
    }
  });

  it('refuses a missing file, a directory, and - mixed with files, naming them', async () => {
    expect((await refusal(assemble(['nope.ts']))).message).toBe('nope.ts: no such file');
    mkdirSync(join(dir, 'src'));
    expect((await refusal(assemble(['src']))).message).toContain('src is a directory');
    write('a.ts', 'x');
    expect((await refusal(assemble(['a.ts', '-']))).message).toContain('standard input');
  });

  it('refuses binary input: NUL bytes or bytes that are not UTF-8', async () => {
    write('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    write('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect((await refusal(assemble(['logo.png']))).message).toMatch(/^logo\.png is a binary file/);
    expect((await refusal(assemble(['latin1.txt']))).message).toMatch(
      /^latin1\.txt is a binary file \(not UTF-8 text\)/,
    );
    expect((await refusal(assemble(['-'], { stdin: Buffer.from([1, 0, 2]) }))).message).toMatch(
      /^standard input is a binary file/,
    );
    expect(decodeText('x', Buffer.from('héllo ✓', 'utf8'))).toBe('héllo ✓');
  });

  it('refuses more than 1 MiB: one file, the files together, standard input', async () => {
    write('big.txt', 'a'.repeat(MAX_CONTENT_BYTES + 1));
    expect((await refusal(assemble(['big.txt']))).message).toBe(
      'big.txt is 1.00 MiB (1048577 bytes); the limit is 1 MiB (1048576 bytes)',
    );
    write('half1.txt', 'a'.repeat(MAX_CONTENT_BYTES / 2));
    write('half2.txt', 'b'.repeat(MAX_CONTENT_BYTES / 2));
    expect((await refusal(assemble(['half1.txt', 'half2.txt']))).message).toMatch(
      /^the content of the 2 files is 1\.00 MiB \(\d+ bytes\); the limit is 1 MiB/,
    );
    const stream = Readable.from([Buffer.alloc(700_000, 97), Buffer.alloc(700_000, 97)]);
    expect((await refusal(readStdin(stream, MAX_CONTENT_BYTES))).message).toBe(
      'standard input is 1.34 MiB (1400000 bytes); the limit is 1 MiB (1048576 bytes)',
    );
  });

  it('accepts exactly 1 MiB of multi-byte text and counts bytes, not characters', async () => {
    // 'é' is two bytes: half a million of them plus the header stay under the limit...
    write('ok.txt', 'é'.repeat(500_000));
    await expect(assemble(['ok.txt'])).resolves.toMatchObject({ source: 'files' });
    // ...but 600 000 characters are 1.2 MB.
    write('over.txt', 'é'.repeat(600_000));
    expect((await refusal(assemble(['over.txt']))).message).toMatch(/^over\.txt is 1\.14 MiB/);
  });

  it('refuses empty input, a named empty file as standard input: nothing to analyse', async () => {
    write('empty.txt', '');
    write('blank.txt', ' \n\n');
    write('a.ts', 'const a = 1;\n');
    expect((await refusal(assemble(['empty.txt']))).message).toBe(
      'empty.txt is empty: nothing to analyse',
    );
    expect((await refusal(assemble(['a.ts', 'blank.txt']))).message).toBe(
      'blank.txt is empty: nothing to analyse',
    );
    expect((await refusal(assemble(['-'], { stdin: Buffer.from('  \n') }))).message).toBe(
      'standard input is empty: nothing to analyse',
    );
    expect((await refusal(assemble([], { stdin: Buffer.alloc(0) }))).message).toContain(
      'nothing to analyse',
    );
  });

  it('--exclude leaves named files out by name in any folder, or by path with a slash', async () => {
    mkdirSync(join(dir, 'gen'));
    write('a.ts', 'const a = 1;\n');
    write('gen/b.ts', 'const b = 2;\n');
    write('a.snap', 'snapshot\n');
    const some = await assemble(['a.ts', 'gen/b.ts', 'a.snap'], { exclude: ['*.snap', 'gen/**'] });
    expect(some.files.map((f) => f.path)).toEqual(['a.ts']);
    const none = await assemble(['a.snap'], { exclude: ['*.snap'] });
    expect(isNothing(none)).toBe(true);
  });

  describe('--diff REF', () => {
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com',
        },
      });
    beforeEach(() => {
      git('init', '-q');
      write('app.ts', 'line1\nline2\nline3\n');
      write('other.ts', 'x\n');
      git('add', '.');
      git('commit', '-q', '-m', 'first');
    });

    it('sends the output of git diff REF, with the files and added lines it touches', async () => {
      write('app.ts', 'line1\nline2 changed\nline3\nline4\n');
      write('other.ts', 'y\n');
      const result = await assemble([], { diff: 'HEAD' });
      expect(result.source).toBe('diff');
      expect(result.ref).toBe('HEAD');
      expect(result.content).toContain('diff --git a/app.ts b/app.ts');
      expect(result.content).toContain('+line2 changed');
      expect(result.files).toEqual([
        { path: 'app.ts', text: 'line2 changed\nline4', lines: [2, 4] },
        { path: 'other.ts', text: 'y', lines: [1] },
      ]);
    });

    it('limits the diff to the named files', async () => {
      write('app.ts', 'changed\n');
      write('other.ts', 'changed too\n');
      const result = await assemble(['other.ts'], { diff: 'HEAD' });
      expect(result.files.map((f) => f.path)).toEqual(['other.ts']);
      expect(result.content).not.toContain('app.ts');
    });

    it('an empty diff is nothing to analyse, not an error', async () => {
      const result = await assemble([], { diff: 'HEAD' });
      expect(result).toMatchObject({ source: 'diff', ref: 'HEAD', content: '', files: [] });
      expect(isNothing(result)).toBe(true);
    });

    it('--exclude leaves files out before git diff runs: an excluded diff over 1 MiB passes', async () => {
      mkdirSync(join(dir, 'web'));
      write('web/package-lock.json', 'z'.repeat(MAX_CONTENT_BYTES + 10));
      write('app.ts', 'line1\nline2 kept\nline3\n');
      git('add', 'web/package-lock.json');
      await refusal(assemble([], { diff: 'HEAD' }));
      const kept = await assemble([], { diff: 'HEAD', exclude: ['package-lock.json'] });
      expect(kept.files.map((f) => f.path)).toEqual(['app.ts']);
      expect(kept.content).not.toContain('package-lock');
      const onlyLock = await assemble([], { diff: 'HEAD', exclude: ['*.ts', 'web/**'] });
      expect(isNothing(onlyLock)).toBe(true);
    });

    it('refuses a bad revision, an option as revision, and - with --diff', async () => {
      expect((await refusal(assemble([], { diff: 'no-such-branch' }))).message).toMatch(
        /^git diff no-such-branch failed: fatal: /,
      );
      expect((await refusal(assemble([], { diff: '--output=/tmp/x' }))).message).toBe(
        '--diff needs a revision, got "--output=/tmp/x"',
      );
      expect((await refusal(assemble(['-'], { diff: 'HEAD' }))).message).toContain('exclude');
    });
  });
});
