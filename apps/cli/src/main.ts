#!/usr/bin/env node
import { Command } from 'commander';
import { scanCommand } from './scan.command';

/** The techsapo command line: subcommands share one program (scan now, analyze later). */
export function program(): Command {
  const root = new Command('techsapo')
    .description('TechSapo command line')
    .showHelpAfterError()
    // Usage errors exit 2, so exit 1 keeps meaning "--fail-on was reached".
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  return root.addCommand(scanCommand().copyInheritedSettings(root));
}

if (require.main === module) {
  program()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`techsapo: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    });
}
