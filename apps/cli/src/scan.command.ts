import { Command, InvalidArgumentError, Option } from 'commander';
import {
  CHANNELS,
  FIELD_MEANINGS,
  type ContentDetector,
  isChannel,
  type Channel,
  type FieldMeaning,
  type Finding,
  type ScanOptions,
  type Verdict,
} from '@techsapo/detector';
import { defaultDetector } from './default-detector';
import { describe } from './errors';
import { lineStarts, position } from './format/locate';
import { readStdin, readStdinText, readTextFile, type ReadLimits } from './input/text-input';

const FAIL_ON = ['flag', 'block'] as const;
type FailOn = (typeof FAIL_ON)[number];

interface ScanCommandOptions {
  channel: Channel;
  failOn?: FailOn;
  lines?: boolean;
  field?: FieldMeaning;
  quotedFrom?: string;
}

type PrintedFinding = Pick<
  Finding,
  'rule' | 'kind' | 'category' | 'severity' | 'action' | 'start' | 'end'
> & {
  /** 1-based line of the finding's start in its file. */
  line: number;
  /** 1-based UTF-16 column of the finding's start on that line. */
  column: number;
};

/** What the CLI prints per text: the server's ScanResult without the redacted copy. */
export interface CliScanResult {
  file?: string;
  line?: number;
  verdict: Verdict;
  findings: PrintedFinding[];
}

/** A text to scan and the name it is printed under. */
export interface ScanInput {
  file: string;
  text: string;
}

const RANK: Record<Verdict, number> = { clean: 0, flag: 1, block: 2 };
const LIMITS: ReadLimits = { purpose: 'scan' };

/** A file's text or standard input's (`-`), refused in one line as `analyze` refuses it. */
export function readScanInput(file: string, cwd = process.cwd()): Promise<string> {
  return file === '-'
    ? readStdinText(() => readStdin(process.stdin), LIMITS)
    : readTextFile(file, cwd, LIMITS);
}

function parseChannel(value: string): Channel {
  if (!isChannel(value)) throw new InvalidArgumentError(`one of ${CHANNELS.join(', ')}`);
  return value;
}

/**
 * Scans each input whole, or with `lines` each line apart (payload lists) keeping only the
 * lines with findings. Every finding says its line and column in the input.
 */
export function scanTexts(
  detector: ContentDetector,
  inputs: ScanInput[],
  options: Pick<ScanCommandOptions, 'channel' | 'lines' | 'field'> & { quoted?: string },
): CliScanResult[] {
  const results: CliScanResult[] = [];
  const scanOptions: ScanOptions = { field: options.field, quotedFrom: options.quoted };
  for (const { file, text } of inputs) {
    const starts = lineStarts(text);
    const texts = options.lines
      ? text
          .split('\n')
          .map((line, index) => ({ offset: starts[index], text: line.replace(/\r$/, '') }))
      : [{ offset: 0, text }];
    for (const entry of texts) {
      if (options.lines && entry.text.trim().length === 0) continue;
      const { verdict, findings } = detector.scan(entry.text, options.channel, scanOptions);
      if (options.lines && findings.length === 0) continue;
      const printed = findings.map(({ rule, kind, category, severity, action, start, end }) => {
        const at = position(starts, entry.offset + start);
        return {
          rule,
          kind,
          category,
          severity,
          action,
          start,
          end,
          line: at.index + 1,
          column: at.column,
        };
      });
      results.push({
        ...(inputs.length > 1 || options.lines ? { file } : {}),
        ...(options.lines ? { line: position(starts, entry.offset).index + 1 } : {}),
        verdict,
        findings: printed,
      });
    }
  }
  return results;
}

async function runScan(files: string[], options: ScanCommandOptions): Promise<number> {
  const inputs: ScanInput[] = [];
  for (const file of files) inputs.push({ file, text: await readScanInput(file) });
  const quoted =
    options.quotedFrom === undefined ? undefined : await readScanInput(options.quotedFrom);
  const results = scanTexts(defaultDetector(), inputs, { ...options, quoted });
  const single = results.length === 1 && files.length === 1 && !options.lines;
  const output = single ? { verdict: results[0].verdict, findings: results[0].findings } : results;
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  const worst = results.reduce((max, r) => Math.max(max, RANK[r.verdict]), 0);
  return options.failOn && worst >= RANK[options.failOn] ? 1 : 0;
}

/** `techsapo scan [--channel …] [--fail-on flag|block] [--lines] [FILE|-]…` */
export function scanCommand(): Command {
  return new Command('scan')
    .description(
      'Scan text with the server’s content detector and policy; prints JSON { verdict, findings }',
    )
    .argument('[files...]', 'files to scan; - or nothing reads standard input', ['-'])
    .addOption(
      new Option('-c, --channel <channel>', 'where the text comes from')
        .argParser(parseChannel)
        .default('llm-answer'),
    )
    .addOption(
      new Option('--fail-on <verdict>', 'exit 1 when the worst verdict reaches this').choices(
        FAIL_ON,
      ),
    )
    .option(
      '--lines',
      'scan every line as a separate text (payload lists); prints only the lines with findings',
    )
    .addOption(
      new Option('--field <meaning>', 'what the scanned structured field holds').choices(
        FIELD_MEANINGS,
      ),
    )
    .option(
      '--quoted-from <file>',
      'the content under review the text answers: attempts quoted from it are not attempts',
    )
    .action(async (files: string[], options: ScanCommandOptions) => {
      try {
        process.exitCode = await runScan(files, options);
      } catch (error) {
        const { line, exitCode } = describe(error);
        process.stderr.write(`techsapo: error: ${line}\n`);
        process.exitCode = exitCode;
      }
    });
}
