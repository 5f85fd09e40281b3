/**
 * dynview command line: argument parsing and wiring only. Each command lives in its own module
 * and imports its heavy machinery lazily, so `dynview --help` starts fast.
 */
import { Command, CommanderError } from 'commander';
import { reportAndExit } from './errors.ts';
import { COMMANDS } from './commands.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('dynview')
    .description('Symbolic-numeric checker for the training dynamics of wide two-layer ReLU networks')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  for (const register of COMMANDS) {
    const cmd = register(program);
    cmd.exitOverride().configureOutput({ writeErr: () => {} });
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        process.exit(0);
      }
      // commander's messages start with "error: "; keep one clean line.
      reportAndExit(Object.assign(new Error(err.message.replace(/^error:\s*/, '')), { code: err.code }));
    }
    reportAndExit(err);
  }
}

await main(process.argv.slice(2));
