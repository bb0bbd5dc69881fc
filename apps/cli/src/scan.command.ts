import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import {
  CHANNELS,
  ContentDetector,
  FIELD_MEANINGS,
  isChannel,
  type Channel,
  type FieldMeaning,
  type Finding,
  type ScanOptions,
  type Verdict,
} from '@techsapo/detector';

const FAIL_ON = ['flag', 'block'] as const;
type FailOn = (typeof FAIL_ON)[number];

interface ScanCommandOptions {
  channel: Channel;
  failOn?: FailOn;
  lines?: boolean;
  field?: FieldMeaning;
  quotedFrom?: string;
}

/** What the CLI prints per text: the server's ScanResult without the redacted copy. */
export interface CliScanResult {
  file?: string;
  line?: number;
  verdict: Verdict;
  findings: Pick<Finding, 'rule' | 'kind' | 'category' | 'severity' | 'action' | 'start' | 'end'>[];
}

const RANK: Record<Verdict, number> = { clean: 0, flag: 1, block: 2 };

function readInput(file: string): string {
  return readFileSync(file === '-' ? 0 : file, 'utf8');
}

function parseChannel(value: string): Channel {
  if (!isChannel(value)) throw new InvalidArgumentError(`one of ${CHANNELS.join(', ')}`);
  return value;
}

export function scanTexts(
  detector: ContentDetector,
  files: string[],
  options: Pick<ScanCommandOptions, 'channel' | 'lines' | 'field' | 'quotedFrom'>,
): CliScanResult[] {
  const results: CliScanResult[] = [];
  const scanOptions: ScanOptions = {
    field: options.field,
    quotedFrom: options.quotedFrom === undefined ? undefined : readInput(options.quotedFrom),
  };
  for (const file of files) {
    const text = readInput(file);
    const texts = options.lines
      ? text.split('\n').map((line, index) => ({ line: index + 1, text: line.replace(/\r$/, '') }))
      : [{ line: undefined, text }];
    for (const entry of texts) {
      if (options.lines && entry.text.length === 0) continue;
      const { verdict, findings } = detector.scan(entry.text, options.channel, scanOptions);
      results.push({
        ...(files.length > 1 || options.lines ? { file } : {}),
        ...(entry.line !== undefined ? { line: entry.line } : {}),
        verdict,
        findings: findings.map(({ rule, kind, category, severity, action, start, end }) => ({
          rule,
          kind,
          category,
          severity,
          action,
          start,
          end,
        })),
      });
    }
  }
  return results;
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
    .option('--lines', 'scan every line as a separate text (payload lists); prints an array')
    .addOption(
      new Option('--field <meaning>', 'what the scanned structured field holds').choices(
        FIELD_MEANINGS,
      ),
    )
    .option(
      '--quoted-from <file>',
      'the content under review the text answers: attempts quoted from it are not attempts',
    )
    .action((files: string[], options: ScanCommandOptions) => {
      const results = scanTexts(new ContentDetector(), files, options);
      const single = results.length === 1 && files.length === 1 && !options.lines;
      const output = single
        ? { verdict: results[0].verdict, findings: results[0].findings }
        : results;
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      const worst = results.reduce((max, r) => Math.max(max, RANK[r.verdict]), 0);
      if (options.failOn && worst >= RANK[options.failOn]) process.exitCode = 1;
    });
}
