#!/usr/bin/env node
import { Command } from 'commander';
import { analyzeCommand } from './analyze/analyze.command';
import { messageOf } from './errors';
import { scanCommand } from './scan.command';
import { cliVersion } from './version';

/** The techsapo command line: subcommands share one program. */
export function program(): Command {
  const root = new Command('techsapo')
    .description('TechSapo command line')
    .version(cliVersion())
    // A bad flag is ONE line on stderr (CI logs), not the help after it; `--help` shows that.
    .configureOutput({ outputError: (text, write) => write(`techsapo: ${text}`) })
    // Usage errors exit 2, so exit 1 keeps meaning "the gate failed" (--fail-on, --min-consensus).
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  root.addCommand(scanCommand().copyInheritedSettings(root));
  root.addCommand(analyzeCommand().copyInheritedSettings(root));
  return root;
}

if (require.main === module) {
  program()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`techsapo: error: ${messageOf(error)}\n`);
      process.exitCode = 2;
    });
}
