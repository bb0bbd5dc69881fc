import type { ContentDetector } from '@techsapo/detector';
import { Command, InvalidArgumentError, Option } from 'commander';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AnalysesApi, createApiClient } from '../api/client';
import { isTerminal, type Analysis } from '../api/types';
import { defaultDetector } from '../default-detector';
import { describe, ExitCode, ServerError, UsageError } from '../errors';
import { toJson } from '../format/json';
import { locateFindings, type LocatedFinding } from '../format/locate';
import { toMarkdown } from '../format/markdown';
import { toSarif } from '../format/sarif';
import { cliVersion } from '../version';
import { assembleContent, isNothing, type AssembledContent, type ContentFile } from './content';
import { evaluateGate } from './gate';
import { writeResult } from './output';
import { sourcePath } from './source-path';
import { watchAnalysis } from './watch';

export const MODES = ['parallel', 'sequential', 'council'] as const;
export const FORMATS = ['json', 'markdown', 'sarif'] as const;
export const DEFAULT_URL = 'http://localhost:3000';
export const DEFAULT_WAIT_SECONDS = 300;

export interface AnalyzeOptions {
  diff?: string;
  mode: (typeof MODES)[number];
  wait: number;
  format: (typeof FORMATS)[number];
  minConsensus?: number;
  failOnDegraded?: boolean;
  cache: boolean;
  quiet?: boolean;
  /** `--exclude GLOB`, repeatable. */
  exclude?: string[];
  /** `--output FILE`: the result goes there, written only when there is one. */
  output?: string;
}

/** Where the command reads and writes; the real process by default, buffers in tests. */
export interface AnalyzeIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdinIsTty: boolean;
  readStdin?: () => Promise<Buffer>;
  cwd?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** See WatchOptions.streamCheckMs. */
  streamCheckMs?: number;
  /** See WatchOptions.pollIntervalMs. */
  pollIntervalMs?: number;
  /** The detector that places request flags in SARIF; defaultDetector when absent. */
  detector?: () => ContentDetector;
}

export function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('a whole number of seconds');
  return Number(value);
}

export function parseFraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError('a number from 0 to 1, e.g. 0.7');
  }
  return n;
}

function endpoint(env: NodeJS.ProcessEnv): { baseUrl: string; apiKey: string } {
  const baseUrl = env.TECHSAPO_URL?.trim() || DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`TECHSAPO_URL is not a URL: "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`TECHSAPO_URL must be http(s), got "${baseUrl}"`);
  }
  const apiKey = env.TECHSAPO_API_KEY?.trim();
  if (!apiKey) throw new UsageError('TECHSAPO_API_KEY is not set (an API key, tsk_…)');
  return { baseUrl, apiKey };
}

/** The server's own detector (as `techsapo scan` uses it) places request flags on lines. */
function located(files: ContentFile[], detector: () => ContentDetector): LocatedFinding[] {
  if (files.length === 0) return [];
  const request = detector();
  return locateFindings(files, (text) => request.scan(text, 'request-text').findings);
}

function render(
  analysis: Analysis,
  format: AnalyzeOptions['format'],
  content: AssembledContent,
  io: Pick<AnalyzeIo, 'cwd' | 'detector'>,
): string {
  if (format === 'json') return toJson(analysis);
  if (format === 'markdown') return toMarkdown(analysis);
  const sarif = toSarif(analysis, {
    files: content.files,
    located: located(content.files, io.detector ?? defaultDetector),
    toolVersion: cliVersion(),
    cwd: io.cwd,
  });
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** The whole run: assemble, submit, follow, print, judge. Returns the exit code. */
export async function runAnalyze(
  files: string[],
  options: AnalyzeOptions,
  io: AnalyzeIo,
): Promise<ExitCode> {
  const report = (line: string) => {
    if (!options.quiet) io.stderr.write(`techsapo: ${line}\n`);
  };
  try {
    if (options.wait === 0 && (options.minConsensus !== undefined || options.failOnDegraded)) {
      throw new UsageError(
        '--min-consensus and --fail-on-degraded need a result; not with --wait 0',
      );
    }
    if (files.length === 0 && options.diff === undefined && io.stdinIsTty) {
      throw new UsageError('nothing to analyse: name FILES, use --diff REF, or pipe text into -');
    }
    const { baseUrl, apiKey } = endpoint(io.env);
    const output = options.output ? resolve(io.cwd ?? process.cwd(), options.output) : undefined;
    // A report left from an earlier run must not pass for this run's.
    if (output) await rm(output, { force: true });
    const content = await assembleContent({
      files,
      diff: options.diff,
      readStdin: io.readStdin,
      cwd: io.cwd,
      exclude: options.exclude,
    });
    if (isNothing(content)) {
      // A pull request that changes nothing (or only excluded files) passes: no result, no file.
      const what =
        content.source === 'diff'
          ? `git diff ${content.ref} is empty${options.exclude?.length ? ' after --exclude' : ''}`
          : 'every file is excluded';
      io.stderr.write(`techsapo: ${what}: nothing to analyse, no result\n`);
      return ExitCode.Ok;
    }
    const api = new AnalysesApi(
      createApiClient({
        baseUrl,
        apiKey,
        fetch: io.fetch,
        sleep: io.sleep,
        onRetry: (status, seconds, attempt) =>
          report(
            `${status === 429 ? 'rate limited' : 'not ready'}; retrying in ${seconds} s (retry ${attempt})`,
          ),
      }),
    );
    const source = sourcePath(content, io.cwd);
    const created = await api.create({
      content: content.content,
      mode: options.mode,
      cache: options.cache,
      ...(source || content.ref
        ? {
            metadata: {
              ...(source ? { source } : {}),
              ...(content.ref ? { ref: content.ref } : {}),
            },
          }
        : {}),
    });
    report(`analysis ${created.id} ${created.status} (mode ${created.mode})`);
    let analysis = created;
    if (options.wait > 0) {
      analysis = await watchAnalysis(api, created, {
        deadline: Date.now() + options.wait * 1000,
        report,
        streamCheckMs: io.streamCheckMs,
        pollIntervalMs: io.pollIntervalMs,
      });
      if (!isTerminal(analysis)) {
        throw new ServerError(
          `no result within ${options.wait} s: analysis ${analysis.id} is still ${analysis.status}`,
        );
      }
    }
    const rendered = render(analysis, options.format, content, io);
    if (output) await writeResult(output, rendered);
    else io.stdout.write(rendered);
    const gate = evaluateGate(analysis, options);
    if (gate) {
      io.stderr.write(`techsapo: ${gate}\n`);
      return ExitCode.GateFailed;
    }
    return ExitCode.Ok;
  } catch (error) {
    const { line, exitCode } = describe(error);
    io.stderr.write(`techsapo: error: ${line}\n`);
    return exitCode;
  }
}

/** `techsapo analyze [FILES… | --diff REF | -] [--mode …] [--wait S] [--format …] [gates]` */
export function analyzeCommand(): Command {
  return new Command('analyze')
    .description(
      'Send files, a git diff or standard input for a wall-bounce analysis (TECHSAPO_URL, TECHSAPO_API_KEY); progress on stderr, the result on stdout',
    )
    .argument(
      '[files...]',
      'text files to analyse (with --diff: limit the diff to them); - reads standard input',
    )
    .option('--diff <ref>', 'analyse the output of `git diff REF` (e.g. origin/main)')
    .addOption(
      new Option('--mode <mode>', 'how the providers work together')
        .choices(MODES)
        .default('parallel'),
    )
    .addOption(
      new Option(
        '--wait <seconds>',
        'how long to wait for the result; 0 = submit and print the queued analysis',
      )
        .argParser(parseSeconds)
        .default(DEFAULT_WAIT_SECONDS),
    )
    .addOption(new Option('--format <format>', 'output on stdout').choices(FORMATS).default('json'))
    .addOption(
      new Option(
        '--min-consensus <x>',
        'exit 1 when the consensus score is below X (0..1)',
      ).argParser(parseFraction),
    )
    .option('--fail-on-degraded', 'exit 1 when the result is degraded (a provider missing, …)')
    .option(
      '--exclude <glob>',
      'leave out files matching GLOB (repeatable; without a slash it matches the name in any folder)',
      (glob: string, globs: string[]) => [...globs, glob],
      [] as string[],
    )
    .option(
      '-o, --output <file>',
      'write the result to FILE instead of stdout, only when there is a result (exit 0 or 1)',
    )
    .option('--no-cache', 'do not answer from an identical earlier analysis')
    .option('-q, --quiet', 'no progress on stderr (errors still are)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok · 1 gate failed (consensus below --min-consensus, degraded with --fail-on-degraded, analysis failed) · 2 usage (bad flags, missing/binary/over 1 MiB input) · 3 server or network error (unreachable, 401, 5xx, 429 after retries, no result within --wait).\nSee docs/ci.md.',
    )
    .action(async (files: string[], options: AnalyzeOptions) => {
      process.exitCode = await runAnalyze(files, options, {
        env: process.env,
        stdout: process.stdout,
        stderr: process.stderr,
        stdinIsTty: Boolean(process.stdin.isTTY),
      });
    });
}
