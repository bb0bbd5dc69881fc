// The CLI runs on a developer's or CI's machine, never inside the service; this is its one
// child process: `git diff`, started without a shell, with a fixed argument list.
import { execFile } from 'node:child_process';
import { UsageError } from '../errors';

/** Names of changed files are small; this bounds a runaway listing. */
const MAX_NAME_LIST_BYTES = 16 * 1024 * 1024;

function checkedRef(ref: string): void {
  if (ref.startsWith('-') || ref.trim() === '') {
    throw new UsageError(`--diff needs a revision, got "${ref}"`);
  }
}

function runGitDiff(ref: string, args: string[], maxBytes: number, cwd?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['diff', '--no-color', '--no-ext-diff', '--no-textconv', ...args],
      { encoding: 'buffer', maxBuffer: maxBytes, windowsHide: true, cwd },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT')
          return reject(new UsageError('--diff needs git, which is not installed'));
        if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return reject(
            new UsageError(
              `git diff ${ref} is larger than ${maxBytes - 1} bytes; the limit is 1 MiB (exclude paths with --exclude)`,
            ),
          );
        }
        const first =
          stderr
            .toString('utf8')
            .split('\n')
            .find((l) => l.trim()) ?? error.message;
        reject(new UsageError(`git diff ${ref} failed: ${first}`));
      },
    );
  });
}

/** The paths (relative to the repository root) that `git diff REF -- [PATHS…]` touches. */
export async function gitChangedFiles(
  ref: string,
  paths: string[],
  cwd?: string,
): Promise<string[]> {
  checkedRef(ref);
  const out = await runGitDiff(
    ref,
    ['--name-only', '-z', ref, '--', ...paths],
    MAX_NAME_LIST_BYTES,
    cwd,
  );
  return out.toString('utf8').split('\0').filter(Boolean);
}

/**
 * `git diff --no-color --no-ext-diff REF -- [PATHS…]` in the working directory. `topFiles`
 * (paths from the repository root, as gitChangedFiles gives them) replace PATHS when given.
 */
export async function gitDiff(
  ref: string,
  paths: string[],
  maxBytes: number,
  cwd?: string,
  topFiles?: string[],
): Promise<Buffer> {
  checkedRef(ref);
  const pathspecs = topFiles ? topFiles.map((f) => `:(top,literal)${f}`) : paths;
  return runGitDiff(ref, [ref, '--', ...pathspecs], maxBytes, cwd);
}
