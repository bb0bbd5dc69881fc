/**
 * Exit codes of the techsapo CLI (documented in docs/ci.md). A CI step branches on them, so
 * each means one thing: the gate said no (1), the call was wrong (2), or no verdict could be
 * had from the server (3).
 */
export const ExitCode = {
  Ok: 0,
  GateFailed: 1,
  Usage: 2,
  Server: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line on stderr and turns into its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(oneLine(message));
    this.name = 'CliError';
  }
}

/** Bad flags or input: missing, binary or oversized file, nothing to analyse. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
  }
}

/** The server could not be reached, refused the credentials, failed or kept rate limiting. */
export class ServerError extends CliError {
  constructor(
    message: string,
    /** The HTTP status when the server answered; absent for network errors. */
    readonly status?: number,
  ) {
    super(message, ExitCode.Server);
  }
}

/**
 * The message of anything thrown or rejected. The CLI loads no server library (no Nest, no
 * Redis), so it keeps this one line of its own rather than @techsapo/core's twin.
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Collapses whitespace so every message stays on a single line of stderr. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The line printed for any error: known ones as they are, unexpected ones by message only. */
export function describe(error: unknown): { line: string; exitCode: ExitCode } {
  if (error instanceof CliError) return { line: error.message, exitCode: error.exitCode };
  return { line: `unexpected error: ${oneLine(messageOf(error))}`, exitCode: ExitCode.Server };
}
