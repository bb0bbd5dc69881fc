// The CLI runs on a developer's or CI's machine, never inside the service; this is its one
// child process: `git diff`, started without a shell, with a fixed argument list.
import { execFile } from 'node:child_process';
import { UsageError } from '../errors';

/** `git diff --no-color --no-ext-diff REF -- [PATHS…]` in the working directory. */
export function gitDiff(
  ref: string,
  paths: string[],
  maxBytes: number,
  cwd?: string,
): Promise<Buffer> {
  if (ref.startsWith('-') || ref.trim() === '') {
    return Promise.reject(new UsageError(`--diff needs a revision, got "${ref}"`));
  }
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['diff', '--no-color', '--no-ext-diff', '--no-textconv', ref, '--', ...paths],
      { encoding: 'buffer', maxBuffer: maxBytes, windowsHide: true, cwd },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT')
          return reject(new UsageError('--diff needs git, which is not installed'));
        if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return reject(
            new UsageError(`git diff ${ref} is larger than ${maxBytes} bytes; the limit is 1 MiB`),
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
